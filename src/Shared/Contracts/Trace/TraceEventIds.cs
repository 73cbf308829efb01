using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Trace;

/// <summary>
/// Derives stable trace event ids. Lifecycle ids come from run, node and attempt alone, so a replayed
/// activity or a redelivered batch yields the same id and the store keeps the event once.
/// </summary>
public static class TraceEventIds
{
    /// <summary>
    /// Id of a node lifecycle event (started, completed, failed, skipped) of one attempt. A redelivered
    /// activity (<paramref name="delivery"/> 2 or more, after a worker stopped mid-attempt) starts under its
    /// own id, so the trace shows the second start; an attempt still ends once.
    /// </summary>
    public static string NodeLifecycle(string runId, string nodeId, int attempt, TraceEventType type, int delivery = 1)
        => type == TraceEventType.NodeStarted && delivery > 1
            ? $"{runId}/{nodeId}/{attempt}/{Kind(type)}/d{delivery}"
            : $"{runId}/{nodeId}/{attempt}/{Kind(type)}";

    /// <summary>Id of the <paramref name="ordinal"/>-th log, progress or artifact event of one delivery of an attempt.</summary>
    public static string NodeEvent(string runId, string nodeId, int attempt, long ordinal, int delivery = 1)
        => delivery > 1 ? $"{runId}/{nodeId}/{attempt}/d{delivery}/e{ordinal}" : $"{runId}/{nodeId}/{attempt}/e{ordinal}";

    /// <summary>Id of the run-level event announcing <paramref name="status"/>.</summary>
    public static string WorkflowStatus(string runId, RunStatus status)
        => $"{runId}/status/{WireName.Of(status)}";

    private static string Kind(TraceEventType type) => type switch
    {
        TraceEventType.NodeStarted => "started",
        TraceEventType.NodeCompleted => "completed",
        TraceEventType.NodeFailed => "failed",
        TraceEventType.NodeSkipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Only lifecycle events have derived ids."),
    };
}
