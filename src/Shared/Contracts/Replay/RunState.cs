using System.Text.Json;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>
/// What a run looked like after a given trace event: the body of <c>GET /api/workflows/runs/{runId}/state</c>.
/// Produced by <see cref="RunStateFolder"/>, so the server, the CLI replay and snapshots all fold alike.
/// </summary>
public sealed record RunState
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>The workflow it runs.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The last event folded in; 0 before the first.</summary>
    public long Sequence { get; init; }

    /// <summary>That event's timestamp, or the moment asked for.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The run's status at that moment (queued until the first WORKFLOW_STATUS).</summary>
    public RunStatus Status { get; init; }

    /// <summary>Which node failed the run, once it failed.</summary>
    public RunFailure? Failure { get; init; }

    /// <summary>Every node of the workflow version the run used (in definition order), then any other node that emitted events.</summary>
    public required IReadOnlyList<NodeState> Nodes { get; init; }

    /// <summary>Node counters, counted like the run summary's.</summary>
    public required RunProgress Progress { get; init; }

    /// <summary>The findings known at that moment: the latest report of each fingerprint, in the order first reported.</summary>
    public IReadOnlyList<RunFinding> Findings { get; init; } = [];

    /// <summary><see cref="Findings"/> counted by severity, like the run summary's.</summary>
    public FindingCounts FindingCounts { get; init; } = new();
}

/// <summary>One node of a <see cref="RunState"/>.</summary>
public sealed record NodeState
{
    /// <summary>The node.</summary>
    public required string NodeId { get; init; }

    /// <summary>Its status (idle until its first event).</summary>
    public NodeStatus Status { get; init; }

    /// <summary>The highest attempt seen; 0 before the first.</summary>
    public int Attempt { get; init; }

    /// <summary>Latest progress of the current attempt.</summary>
    public TraceProgress? Progress { get; init; }

    /// <summary>The latest log line or summary.</summary>
    public string? LastMessage { get; init; }

    /// <summary>Summary of its outputs once it completed.</summary>
    public JsonElement? OutputSummary { get; init; }

    /// <summary>Why its latest attempt failed or it was skipped.</summary>
    public TraceError? Error { get; init; }

    /// <summary>Artifacts it stored, in the order stored (each id once).</summary>
    public required IReadOnlyList<ArtifactReference> Artifacts { get; init; }

    /// <summary>When its first attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it reached a final status.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>From <see cref="StartedAt"/> to <see cref="CompletedAt"/>, in milliseconds.</summary>
    public long? DurationMs { get; init; }

    /// <summary>How many NODE_LOG events it emitted.</summary>
    public long LogCount { get; init; }

    /// <summary>How many distinct findings (fingerprints) it reported.</summary>
    public int FindingCount { get; init; }

    /// <summary>The most severe of its findings; null when it reported none.</summary>
    public FindingSeverity? HighestSeverity { get; init; }

    /// <summary>
    /// How many times its latest attempt started, when more than once: its activity was delivered again
    /// after a worker stopped mid-attempt. Null for a single start.
    /// </summary>
    public int? Deliveries { get; init; }
}
