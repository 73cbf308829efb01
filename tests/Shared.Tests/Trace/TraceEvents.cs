using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.Trace;

/// <summary>Builds trace events the way emitters do (ids from TraceEventIds).</summary>
internal static class TraceEvents
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(int second) => Epoch.AddSeconds(second);

    public static string NewRunId() => "run-" + Guid.NewGuid().ToString("N");

    public static TraceEvent Log(string runId, string nodeId, long ordinal, string? message = null) => new()
    {
        Id = TraceEventIds.NodeEvent(runId, nodeId, 1, ordinal),
        RunId = runId,
        NodeId = nodeId,
        Attempt = 1,
        Type = TraceEventType.NodeLog,
        Timestamp = At(0).AddMilliseconds(ordinal),
        Message = message ?? $"line {ordinal}",
    };

    public static TraceEvent Started(string runId, string nodeId, int attempt, int second) => Lifecycle(runId, nodeId, attempt, TraceEventType.NodeStarted, second);

    public static TraceEvent Completed(string runId, string nodeId, int attempt, int second) => Lifecycle(runId, nodeId, attempt, TraceEventType.NodeCompleted, second);

    public static TraceEvent Skipped(string runId, string nodeId, int second) => Lifecycle(runId, nodeId, 0, TraceEventType.NodeSkipped, second);

    public static TraceEvent Failed(string runId, string nodeId, int attempt, int second, bool willRetry, string message = "boom")
        => Lifecycle(runId, nodeId, attempt, TraceEventType.NodeFailed, second) with
        {
            Level = TraceEventLevel.Error,
            Error = new TraceError(message, "exception", willRetry),
        };

    public static TraceEvent Status(string runId, RunStatus status, int second, string? nodeId = null, string? reason = null) => new()
    {
        Id = TraceEventIds.WorkflowStatus(runId, status),
        RunId = runId,
        NodeId = nodeId,
        Type = TraceEventType.WorkflowStatus,
        Timestamp = At(second),
        Status = status,
        Error = reason is null ? null : new TraceError(reason, "exception"),
    };

    private static TraceEvent Lifecycle(string runId, string nodeId, int attempt, TraceEventType type, int second) => new()
    {
        Id = TraceEventIds.NodeLifecycle(runId, nodeId, attempt, type),
        RunId = runId,
        NodeId = nodeId,
        Attempt = attempt,
        Type = type,
        Timestamp = At(second),
    };
}
