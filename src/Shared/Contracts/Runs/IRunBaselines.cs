namespace ShipSec.Shared.Runs;

/// <summary>
/// Which earlier run a run is compared with. A run's baseline is its workflow's pinned run when one is pinned
/// (and is not the run itself); otherwise the most recent earlier completed run of the same workflow started
/// with the same input values (matched by <see cref="NewRun.InputsDigest"/>, so secrets are compared without
/// being revealed). When a run completes, the trace store records its <see cref="RunBaseline"/> by this rule.
/// </summary>
public interface IRunBaselines
{
    /// <summary>The baseline of <paramref name="runId"/>: the one recorded when it completed, else the one the rule picks now; null when there is none.</summary>
    Task<BaselineChoice?> FindAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Pins <paramref name="runId"/> as its workflow's baseline; false when no run of that id belongs to <paramref name="workflowId"/>.</summary>
    Task<bool> PinAsync(string workflowId, string runId, DateTimeOffset pinnedAt, CancellationToken cancellationToken = default);

    /// <summary>Unpins the workflow's baseline; false when none was pinned.</summary>
    Task<bool> UnpinAsync(string workflowId, CancellationToken cancellationToken = default);

    /// <summary>The workflow's pinned baseline run, or null.</summary>
    Task<string?> PinnedAsync(string workflowId, CancellationToken cancellationToken = default);
}

/// <summary>A run's baseline.</summary>
/// <param name="RunId">The baseline run.</param>
/// <param name="Pinned">True when it is the workflow's pinned baseline rather than the latest matching run.</param>
public sealed record BaselineChoice(string RunId, bool Pinned);
