using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>
/// The rules that turn trace events into node and run state, written once in C#. <see cref="RunStateFolder"/>
/// (state, replay, diff) and <see cref="RunSummaryChanges"/> (the run summaries the trace store keeps at append
/// time, behind <c>/status</c> and the runs list) both apply them, so the two can never disagree.
/// The dashboard's fold.ts mirrors them and is checked against fixtures this code generates.
/// </summary>
public static class TraceFold
{
    /// <summary>The kind of a failure or skip that a cancellation caused: the node ends cancelled, not failed.</summary>
    public const string CancelledKind = "cancelled";

    /// <summary>
    /// The status a node has after <paramref name="traceEvent"/>, or null when the event does not change it:
    /// NODE_STARTED → running; NODE_COMPLETED → completed; NODE_FAILED → retrying when it will retry, cancelled
    /// for kind <c>cancelled</c>, else failed; NODE_SKIPPED → skipped (cancelled for kind <c>cancelled</c>);
    /// NODE_AWAITING_INPUT → waiting.
    /// </summary>
    public static NodeStatus? NodeStatusAfter(TraceEvent traceEvent)
    {
        ArgumentNullException.ThrowIfNull(traceEvent);
        return traceEvent.Type switch
        {
            TraceEventType.NodeStarted => NodeStatus.Running,
            TraceEventType.NodeCompleted => NodeStatus.Completed,
            TraceEventType.NodeFailed => traceEvent.Error?.WillRetry == true ? NodeStatus.Retrying
                : traceEvent.Error?.Kind == CancelledKind ? NodeStatus.Cancelled
                : NodeStatus.Failed,
            TraceEventType.NodeSkipped => traceEvent.Error?.Kind == CancelledKind ? NodeStatus.Cancelled : NodeStatus.Skipped,
            TraceEventType.NodeAwaitingInput => NodeStatus.Waiting,
            _ => null,
        };
    }

    /// <summary>Whether a node with <paramref name="status"/> has ended (it has a completion time).</summary>
    public static bool IsFinal(NodeStatus status)
        => status is NodeStatus.Completed or NodeStatus.Failed or NodeStatus.Skipped or NodeStatus.Cancelled;

    /// <summary>Whether a run with <paramref name="status"/> has ended.</summary>
    public static bool IsFinal(RunStatus status) => status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>
    /// What a WORKFLOW_STATUS event says of the run's failure: a failed status names its node and reason; any
    /// other status clears it.
    /// </summary>
    public static RunFailure? FailureAfter(TraceEvent traceEvent)
    {
        ArgumentNullException.ThrowIfNull(traceEvent);
        return traceEvent.Status == RunStatus.Failed
            ? new RunFailure(traceEvent.NodeId ?? string.Empty, traceEvent.Error?.Message ?? traceEvent.Message ?? string.Empty)
            : null;
    }

    /// <summary>The run's node counters from how many of its nodes have each status.</summary>
    /// <param name="nodesTotal">Nodes of the workflow version the run used.</param>
    /// <param name="statusCounts">How many nodes have each status (statuses absent count 0).</param>
    public static RunProgress Progress(int nodesTotal, IEnumerable<KeyValuePair<NodeStatus, int>> statusCounts)
    {
        ArgumentNullException.ThrowIfNull(statusCounts);
        int completed = 0, failed = 0, running = 0, waiting = 0;
        foreach (var (status, count) in statusCounts)
        {
            switch (status)
            {
                case NodeStatus.Completed: completed += count; break;
                case NodeStatus.Failed: failed += count; break;
                case NodeStatus.Running or NodeStatus.Retrying: running += count; break;
                case NodeStatus.Waiting: waiting += count; break;
                default: break;
            }
        }

        return new RunProgress(Math.Max(nodesTotal, 0), completed, failed, running) { NodesWaiting = waiting };
    }
}
