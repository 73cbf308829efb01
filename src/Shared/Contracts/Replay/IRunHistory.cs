using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>Seeking in a run's stored trace: by time, by sequence, from snapshots of its folded state.</summary>
public interface IRunHistory
{
    /// <summary>The sequence of the run's last stored event; 0 when it has none.</summary>
    Task<long> LastSequenceAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The last event with a timestamp at or before <paramref name="at"/> (ties: the highest sequence); 0 when none.</summary>
    Task<long> SequenceAtAsync(string runId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The latest stored snapshot with a sequence at or below <paramref name="atOrBefore"/>, or null.</summary>
    Task<RunState?> SnapshotAsync(string runId, long atOrBefore, CancellationToken cancellationToken = default);

    /// <summary>Stores snapshots; one already stored for the same run and sequence is kept.</summary>
    Task SaveSnapshotsAsync(IReadOnlyList<RunState> snapshots, CancellationToken cancellationToken = default);

    /// <summary>The run's events with sequence in (<paramref name="after"/>, <paramref name="upTo"/>], in order, streamed.</summary>
    IAsyncEnumerable<TraceEvent> ReadAsync(string runId, long after, long upTo, CancellationToken cancellationToken = default);

    /// <summary>Runs of a workflow created within [<paramref name="from"/>, <paramref name="to"/>], oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<TimelineRun>> TimelineAsync(string workflowId, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken cancellationToken = default);
}

/// <summary>One run on a workflow's timeline.</summary>
public sealed record TimelineRun
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>Its current status.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>When it was accepted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>From start (or acceptance) to end, in milliseconds.</summary>
    public long? DurationMs { get; init; }

    /// <summary>The workflow version it ran.</summary>
    public required int WorkflowVersion { get; init; }
}

/// <summary>The runs of a workflow over a time range: the body of <c>GET /api/workflows/{workflowId}/runs/timeline</c>.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="Runs">Its runs, oldest first.</param>
public sealed record RunTimeline(string WorkflowId, IReadOnlyList<TimelineRun> Runs);
