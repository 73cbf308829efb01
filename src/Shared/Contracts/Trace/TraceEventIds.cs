using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Trace;

/// <summary>
/// Derives stable trace event ids. Lifecycle end ids come from run, node and attempt alone, so a replayed
/// activity or a redelivered batch yields the same id and the store keeps the event once. Events of one
/// execution of an attempt's activity also carry that execution's nonce: a redelivered activity (after a
/// worker stopped mid-attempt) writes under ids of its own whatever the transport has stored so far, and
/// readers count the deliveries by folding its NODE_STARTED events.
/// </summary>
public static class TraceEventIds
{
    /// <summary>
    /// Id of a node lifecycle event (started, completed, failed, skipped) of one attempt. NODE_STARTED of an
    /// <paramref name="execution"/> (the nonce of one run of the activity) has an id of its own, so the trace
    /// shows every start of a redelivered attempt; an attempt still ends once.
    /// </summary>
    public static string NodeLifecycle(string runId, string nodeId, int attempt, TraceEventType type, string? execution = null)
        => type == TraceEventType.NodeStarted && execution is not null
            ? $"{runId}/{nodeId}/{attempt}/{Kind(type)}/x{execution}"
            : $"{runId}/{nodeId}/{attempt}/{Kind(type)}";

    /// <summary>Id of the <paramref name="ordinal"/>-th log, progress or artifact event of one execution of an attempt.</summary>
    public static string NodeEvent(string runId, string nodeId, int attempt, long ordinal, string? execution = null)
        => execution is not null ? $"{runId}/{nodeId}/{attempt}/x{execution}/e{ordinal}" : $"{runId}/{nodeId}/{attempt}/e{ordinal}";

    /// <summary>A new execution nonce: 12 random hex digits, unique per run of an attempt's activity.</summary>
    public static string NewExecution() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

    /// <summary>One attempt of one alert delivery: the same on a replay of the activity, so it is stored once.</summary>
    public static string RunAlert(string runId, string deliveryId, int attempt) => $"{runId}/alert/{deliveryId}/{attempt}";

    /// <summary>Id of the run-level event announcing <paramref name="status"/>.</summary>
    public static string WorkflowStatus(string runId, RunStatus status)
        => $"{runId}/status/{WireName.Of(status)}";

    private static string Kind(TraceEventType type) => type switch
    {
        TraceEventType.NodeStarted => "started",
        TraceEventType.NodeCompleted => "completed",
        TraceEventType.NodeFailed => "failed",
        TraceEventType.NodeSkipped => "skipped",
        TraceEventType.NodeAwaitingInput => "awaiting",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Only lifecycle events have derived ids."),
    };
}
