using System.Text.Json;
using System.Text.Json.Serialization;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>How two runs differ: the body of <c>GET /api/workflows/runs/{runId}/diff/{otherRunId}</c>.</summary>
public sealed record RunDiff
{
    /// <summary>The run compared from ("before").</summary>
    public required string RunId { get; init; }

    /// <summary>The run compared to ("after").</summary>
    public required string OtherRunId { get; init; }

    /// <summary>The first run's workflow.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The other run's workflow.</summary>
    public required string OtherWorkflowId { get; init; }

    /// <summary>
    /// True when the runs behaved the same: same final status, every node unchanged and no finding added, resolved
    /// or changed. Log wording (with volatile tokens masked) is reported per node but never makes runs differ.
    /// </summary>
    public bool Identical { get; init; }

    /// <summary>The runs' final statuses, when they differ.</summary>
    public ValueChange<RunStatus>? Status { get; init; }

    /// <summary>Findings matched by fingerprint: what is new in the other run, what it no longer reports, what changed.</summary>
    public required FindingsDiff Findings { get; init; }

    /// <summary>Every node of either run, matched by id: the first run's order, then nodes only the other has.</summary>
    public required IReadOnlyList<NodeDiff> Nodes { get; init; }

    /// <summary>Set when the diff was asked against a run's baseline: which run that is and whether it is pinned.</summary>
    public BaselineChoice? Baseline { get; init; }
}

/// <summary>Findings of two runs matched by fingerprint.</summary>
public sealed record FindingsDiff
{
    /// <summary>Reported only by the other run ("new"), most severe first.</summary>
    public required IReadOnlyList<RunFinding> Added { get; init; }

    /// <summary>Reported only by the first run ("fixed" or gone), most severe first.</summary>
    public required IReadOnlyList<RunFinding> Resolved { get; init; }

    /// <summary>Reported by both, with a different severity or evidence.</summary>
    public required IReadOnlyList<FindingChange> Changed { get; init; }

    /// <summary>How many fingerprints both runs reported the same.</summary>
    public int UnchangedCount { get; init; }

    /// <summary>True when nothing was added, resolved or changed.</summary>
    [JsonIgnore]
    public bool IsEmpty => Added.Count == 0 && Resolved.Count == 0 && Changed.Count == 0;

    /// <summary>
    /// How many fingerprints are new in <paramref name="after"/> and how many of <paramref name="before"/> it no
    /// longer reports: the counts a run's <see cref="RunBaseline"/> records, as <see cref="RunDiffer.CompareFindings"/> lists them.
    /// </summary>
    public static (int Added, int Resolved) Movement(IReadOnlySet<string> before, IReadOnlySet<string> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return (after.Count(f => !before.Contains(f)), before.Count(f => !after.Contains(f)));
    }
}

/// <summary>A finding both runs reported, differently.</summary>
/// <param name="Fingerprint">Its identity across runs.</param>
/// <param name="Before">As the first run reported it.</param>
/// <param name="After">As the other run reported it.</param>
public sealed record FindingChange(string Fingerprint, RunFinding Before, RunFinding After);

/// <summary>A node's log lines in both runs: counts and the first line whose wording differs once volatile tokens are masked.</summary>
/// <param name="A">How many NODE_LOG events the first run's node emitted.</param>
/// <param name="B">How many the other run's node emitted.</param>
/// <param name="FirstDivergence">The first event of the node whose (type, masked message) differs; null when none does.</param>
public sealed record LogsDiff(long A, long B, Divergence? FirstDivergence);

/// <summary>How one node differs between two runs; members are present only where the runs differ (except <see cref="Logs"/>).</summary>
public sealed record NodeDiff
{
    /// <summary>The node.</summary>
    public required string NodeId { get; init; }

    /// <summary>Added (only in the other run), removed (only in the first), changed or unchanged.</summary>
    public NodeChange Change { get; init; }

    /// <summary>Final statuses, when they differ.</summary>
    public ValueChange<NodeStatus?>? Status { get; init; }

    /// <summary>Output summaries, when they differ.</summary>
    public ValueChange<JsonElement?>? OutputSummary { get; init; }

    /// <summary>Attempts, when they differ.</summary>
    public ValueChange<int?>? Attempts { get; init; }

    /// <summary>Durations, when they differ by more than <see cref="RunDiffer.DurationThreshold"/>.</summary>
    public ValueChange<long?>? DurationMs { get; init; }

    /// <summary>Artifacts (by name) whose SHA-256 differs or that only one run stored.</summary>
    public IReadOnlyList<ArtifactChange>? Artifacts { get; init; }

    /// <summary>The node's findings, when they differ: how many were added, resolved and changed (the run's <see cref="RunDiff.Findings"/> lists them).</summary>
    public NodeFindingsChange? Findings { get; init; }

    /// <summary>Detail only: log volume and wording never mark a node changed.</summary>
    public required LogsDiff Logs { get; init; }
}

/// <summary>How a node's findings moved between two runs.</summary>
/// <param name="Added">Fingerprints only the other run's node reported.</param>
/// <param name="Resolved">Fingerprints only the first run's node reported.</param>
/// <param name="Changed">Fingerprints both reported with a different severity or evidence.</param>
public sealed record NodeFindingsChange(int Added, int Resolved, int Changed);

/// <summary>A value in the first run (<paramref name="Before"/>) and in the other (<paramref name="After"/>).</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed record ValueChange<T>(T Before, T After);

/// <summary>An artifact whose content differs: SHA-256 in each run, null where that run has none of the name.</summary>
public sealed record ArtifactChange(string Name, string? Before, string? After);

/// <summary>The first differing event of a node: its index in the node's own events and each run's message (or event type), as written.</summary>
public sealed record Divergence(int Index, string? Before, string? After);

/// <summary>How a node changed between two runs.</summary>
public enum NodeChange
{
    /// <summary>Same in both runs.</summary>
    [JsonStringEnumMemberName("unchanged")] Unchanged,

    /// <summary>Different in some way.</summary>
    [JsonStringEnumMemberName("changed")] Changed,

    /// <summary>Only in the other run.</summary>
    [JsonStringEnumMemberName("added")] Added,

    /// <summary>Only in the first run.</summary>
    [JsonStringEnumMemberName("removed")] Removed,
}
