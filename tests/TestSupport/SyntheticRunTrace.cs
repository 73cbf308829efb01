using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.TestSupport;

/// <summary>
/// A made-up but well-formed trace of any length, for tests and benchmarks of replay: the run starts,
/// each node in turn starts, logs and reports progress, and completes, and the run completes. Events are
/// one millisecond apart and carry their sequence (1-based), so they can be copied straight into a store.
/// </summary>
public static class SyntheticRunTrace
{
    /// <summary>Exactly <paramref name="eventCount"/> events (at least 2 + 2 per node) of run <paramref name="runId"/>.</summary>
    public static IEnumerable<TraceEvent> Generate(string runId, IReadOnlyList<string> nodeIds, long eventCount, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(nodeIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(eventCount, 2L + (2L * nodeIds.Count));
        var sequence = 0L;
        TraceEvent Next(TraceEventType type, string? nodeId, string? message = null) => new()
        {
            Id = $"{runId}-{sequence + 1}",
            RunId = runId,
            NodeId = nodeId,
            Attempt = nodeId is null ? 0 : 1,
            Type = type,
            Timestamp = start.AddMilliseconds(sequence),
            Sequence = ++sequence,
            Message = message,
        };

        yield return Next(TraceEventType.WorkflowStatus, null) with { Status = RunStatus.Running };
        var body = eventCount - 2 - (2L * nodeIds.Count);
        for (var n = 0; n < nodeIds.Count; n++)
        {
            var nodeId = nodeIds[n];
            var share = (body / nodeIds.Count) + (n < body % nodeIds.Count ? 1 : 0);
            yield return Next(TraceEventType.NodeStarted, nodeId, $"{nodeId} started");
            for (var i = 0L; i < share; i++)
            {
                yield return i % 10 == 9
                    ? Next(TraceEventType.NodeProgress, nodeId) with { Progress = new TraceProgress(i + 1, share) }
                    : Next(TraceEventType.NodeLog, nodeId, $"{nodeId} line {i + 1}");
            }

            yield return Next(TraceEventType.NodeCompleted, nodeId, $"{nodeId} done");
        }

        yield return Next(TraceEventType.WorkflowStatus, null) with { Status = RunStatus.Completed };
    }
}
