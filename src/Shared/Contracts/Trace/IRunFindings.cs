namespace ShipSec.Shared.Trace;

/// <summary>The findings a run's NODE_FINDING events recorded, as the trace store indexed them.</summary>
public interface IRunFindings
{
    /// <summary>
    /// The run's distinct findings (the latest report of each fingerprint), most severe first, then in the
    /// order reported; optionally only those of one severity or one node.
    /// </summary>
    Task<IReadOnlyList<RunFinding>> ListAsync(string runId, FindingSeverity? severity = null, string? nodeId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// A workflow's open findings: those its latest completed run reported, most severe first, each with the run
    /// that first reported it (its earliest run to do so) and the latest.
    /// </summary>
    Task<WorkflowFindings> ListOpenAsync(string workflowId, CancellationToken cancellationToken = default);
}

/// <summary>The body of <c>GET /api/workflows/{workflowId}/findings</c>.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="LatestRunId">Its latest completed run, whose findings are the open ones; null before any completed.</param>
/// <param name="Findings">The open findings, most severe first.</param>
/// <param name="Counts">Those findings by severity.</param>
public sealed record WorkflowFindings(string WorkflowId, string? LatestRunId, IReadOnlyList<OpenFinding> Findings, FindingCounts Counts);

/// <summary>An open finding with its history across the workflow's runs.</summary>
/// <param name="Finding">As the latest run reported it.</param>
/// <param name="FirstSeenRunId">The earliest run of the workflow that reported its fingerprint.</param>
/// <param name="FirstSeenAt">When that run reported it.</param>
/// <param name="LastSeenRunId">The latest completed run (which reported it).</param>
public sealed record OpenFinding(RunFinding Finding, string FirstSeenRunId, DateTimeOffset FirstSeenAt, string LastSeenRunId);
