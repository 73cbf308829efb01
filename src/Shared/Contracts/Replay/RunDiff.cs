using System.Text.Json;
using System.Text.Json.Serialization;
using ShipSec.Shared.Runs;

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

    /// <summary>True when every node is unchanged.</summary>
    public bool Identical { get; init; }

    /// <summary>Every node of either run, matched by id: the first run's order, then nodes only the other has.</summary>
    public required IReadOnlyList<NodeDiff> Nodes { get; init; }
}

/// <summary>How one node differs between two runs; members are present only where the runs differ (except <see cref="LogCount"/>).</summary>
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

    /// <summary>Log volume of both runs.</summary>
    public required ValueChange<long> LogCount { get; init; }

    /// <summary>The first event of the node whose (type, message) differs.</summary>
    public Divergence? FirstDivergence { get; init; }
}

/// <summary>A value in the first run (<paramref name="Before"/>) and in the other (<paramref name="After"/>).</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed record ValueChange<T>(T Before, T After);

/// <summary>An artifact whose content differs: SHA-256 in each run, null where that run has none of the name.</summary>
public sealed record ArtifactChange(string Name, string? Before, string? After);

/// <summary>The first differing event of a node: its index in the node's own events and each run's message (or event type).</summary>
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
