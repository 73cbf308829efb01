using System.Text.Json;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>
/// One node of one run as a person debugging it needs it: the body of
/// <c>GET /api/workflows/runs/{runId}/nodes/{nodeId}</c>. Folded from the run's whole trace by <see cref="RunStateFolder"/>.
/// </summary>
public sealed record NodeInspection
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>The node.</summary>
    public required string NodeId { get; init; }

    /// <summary>The node as the run's workflow version defines it (secret literals masked); null when that version is gone.</summary>
    public NodeDefinition? Definition { get; init; }

    /// <summary>The node's state at the end of the trace read.</summary>
    public required NodeState State { get; init; }

    /// <summary>Every attempt the trace shows, in order.</summary>
    public required IReadOnlyList<NodeAttempt> Attempts { get; init; }

    /// <summary>Artifacts the node stored (each id once).</summary>
    public required IReadOnlyList<ArtifactReference> Artifacts { get; init; }

    /// <summary>The node's findings: the latest report of each fingerprint it reported.</summary>
    public required IReadOnlyList<RunFinding> Findings { get; init; }
}

/// <summary>One attempt of a node, from its NODE_STARTED to the event that ended it.</summary>
public sealed record NodeAttempt
{
    /// <summary>The attempt number (1-based).</summary>
    public required int Attempt { get; init; }

    /// <summary>How many times this attempt's activity was delivered (more than 1 after a worker stopped mid-attempt).</summary>
    public required int Delivery { get; init; }

    /// <summary>Its status by the rules of <see cref="TraceFold"/>: running until it ends, retrying when it failed and will be tried again.</summary>
    public required NodeStatus Status { get; init; }

    /// <summary>When its first delivery started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it began waiting for a person's decision (an approval step); null for an attempt that never waited.</summary>
    public DateTimeOffset? WaitingFrom { get; init; }

    /// <summary>When it ended; null while it runs.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>From <see cref="StartedAt"/> to <see cref="EndedAt"/>, in milliseconds.</summary>
    public long? DurationMs { get; init; }

    /// <summary>
    /// The inputs it received after references were resolved, secrets masked; a large value is
    /// <c>{"$blob": ArtifactReference}</c>, downloadable from the run's artifact route by its artifact id. Null when
    /// its NODE_STARTED carried none (it failed before they were resolved, or was recorded before inputs were).
    /// </summary>
    public JsonElement? Inputs { get; init; }

    /// <summary>The summary of its outputs NODE_COMPLETED carried (values over the summary limit are described, not inlined).</summary>
    public JsonElement? Outputs { get; init; }

    /// <summary>Why it failed.</summary>
    public TraceError? Error { get; init; }
}
