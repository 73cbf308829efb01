using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>
/// What a batch of new trace events changes in the run and node summaries a store keeps, folded with the
/// rules of <see cref="TraceFold"/>: the latest state of every node and run the batch touches. A store writes
/// these values as they are; it holds no rule of its own.
/// </summary>
public sealed class RunSummaryChanges
{
    private RunSummaryChanges(IReadOnlyList<NodeSummaryChange> nodes, IReadOnlyList<RunStatusChange> runs)
        => (Nodes, Runs) = (nodes, runs);

    /// <summary>Each node whose status the batch changed, ordered by run and node id (the order rows are locked in).</summary>
    public IReadOnlyList<NodeSummaryChange> Nodes { get; }

    /// <summary>Each run the batch touched with a lifecycle event, ordered by run id.</summary>
    public IReadOnlyList<RunStatusChange> Runs { get; }

    /// <summary>Whether the batch changes no summary (it holds only logs, progress and artifacts, as most do).</summary>
    public bool IsEmpty => Runs.Count == 0;

    /// <summary>Folds <paramref name="events"/>, numbered and in sequence order within each run.</summary>
    public static RunSummaryChanges Of(IReadOnlyList<TraceEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var nodes = new Dictionary<(string RunId, string NodeId), NodeSummaryChange>();
        var runs = new Dictionary<string, RunStatusChange>(StringComparer.Ordinal);
        foreach (var traceEvent in events)
        {
            if (!TraceEventTypes.ChangesState(traceEvent.Type))
            {
                continue;
            }

            var run = runs.TryGetValue(traceEvent.RunId, out var seen) ? seen : new RunStatusChange(traceEvent.RunId);
            if (traceEvent.Type == TraceEventType.WorkflowStatus)
            {
                if (traceEvent.Status is { } status)
                {
                    run = run with
                    {
                        Status = status,
                        Failure = TraceFold.FailureAfter(traceEvent),
                        CompletedAt = TraceFold.IsFinal(status) ? traceEvent.Timestamp : null,
                        StartedAt = run.StartedAt ?? (status == RunStatus.Running ? traceEvent.Timestamp : null),
                    };
                }
            }
            else if (traceEvent.NodeId is { } nodeId && TraceFold.NodeStatusAfter(traceEvent) is { } nodeStatus)
            {
                var key = (traceEvent.RunId, nodeId);
                nodes.TryGetValue(key, out var node);
                var startedAt = node?.StartedAt ?? (traceEvent.Type == TraceEventType.NodeStarted ? traceEvent.Timestamp : null);
                nodes[key] = new NodeSummaryChange(
                    traceEvent.RunId, nodeId, nodeStatus, Math.Max(node?.Attempt ?? 0, traceEvent.Attempt), startedAt,
                    TraceFold.IsFinal(nodeStatus) ? traceEvent.Timestamp : null, traceEvent.Sequence);
            }

            runs[traceEvent.RunId] = run;
        }

        return new RunSummaryChanges(
            [.. nodes.Values.OrderBy(n => n.RunId, StringComparer.Ordinal).ThenBy(n => n.NodeId, StringComparer.Ordinal)],
            [.. runs.Values.OrderBy(r => r.RunId, StringComparer.Ordinal)]);
    }
}

/// <summary>A node's summary after a batch.</summary>
/// <param name="RunId">The run.</param>
/// <param name="NodeId">The node.</param>
/// <param name="Status">Its status after the batch.</param>
/// <param name="Attempt">The highest attempt the batch saw.</param>
/// <param name="StartedAt">When it first started within the batch (a store keeps an earlier one).</param>
/// <param name="CompletedAt">When it ended, while its status is final.</param>
/// <param name="LastSequence">The sequence of the event that set it (a store never lets an older one win).</param>
public sealed record NodeSummaryChange(
    string RunId, string NodeId, NodeStatus Status, int Attempt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, long LastSequence);

/// <summary>A run's summary after a batch; <see cref="Status"/> null when the batch held no WORKFLOW_STATUS of it.</summary>
/// <param name="RunId">The run.</param>
public sealed record RunStatusChange(string RunId)
{
    /// <summary>Its status after the batch, or null when unchanged.</summary>
    public RunStatus? Status { get; init; }

    /// <summary>Its failure, when <see cref="Status"/> is failed.</summary>
    public RunFailure? Failure { get; init; }

    /// <summary>When it first became running within the batch (a store keeps an earlier one).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended, while <see cref="Status"/> is final.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}
