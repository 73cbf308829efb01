namespace ShipSec.Shared.Trace;

/// <summary>The findings a run's NODE_FINDING events recorded, as the trace store indexed them.</summary>
public interface IRunFindings
{
    /// <summary>
    /// The run's distinct findings (the latest report of each fingerprint), most severe first, then in the
    /// order reported; optionally only those of one severity or one node.
    /// </summary>
    Task<IReadOnlyList<RunFinding>> ListAsync(string runId, FindingSeverity? severity = null, string? nodeId = null, CancellationToken cancellationToken = default);
}
