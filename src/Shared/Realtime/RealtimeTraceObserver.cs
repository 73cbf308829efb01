using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Realtime;

/// <summary>
/// Pushes committed trace events to dashboards: <see cref="RealtimeTargets.TraceEvents"/> to the run's group,
/// in sequence order and in messages under the service's 1 MB limit, then, when the batch changed a node's
/// or the run's state, <see cref="RealtimeTargets.RunUpdated"/> with the run's summary to the run's group and
/// to <see cref="RealtimeGroups.Runs"/>. A failure is logged and never thrown: the events are already durable
/// and dashboards re-fetch the trace by cursor when they see a gap.
/// </summary>
public sealed class RealtimeTraceObserver(
    IRealtime realtime, IRunStore runs, IOptions<RealtimeOptions> options, ILogger<RealtimeTraceObserver> logger) : ITraceObserver
{
    /// <summary>
    /// Most bytes of one serialized message, envelope included. Azure SignalR Service refuses messages over
    /// 1 MB; the margin covers the hub protocol's framing around the argument.
    /// </summary>
    internal const int MaxMessageBytes = 1_000_000;

    // The SignalR JSON envelope around the argument: {"type":1,"target":"traceEvents","arguments":[...]}\u001e
    private const int EnvelopeBytes = 64;

    // More than one event's JSON besides its strings can take: every property name, the numbers, the
    // timestamp, the enum names and the punctuation of the largest event shape.
    private const int EventFixedBytes = 512;

    // A UTF-16 char of a string becomes at most 6 bytes of JSON (\uXXXX).
    private const int MaxBytesPerChar = 6;

    /// <inheritdoc />
    public async ValueTask OnCommittedAsync(IReadOnlyList<TraceEvent> committed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(committed);
        if (committed.Count == 0 || options.Value.Provider is null or RealtimeProvider.None)
        {
            return;
        }

        foreach (var run in committed.GroupBy(e => e.RunId, StringComparer.Ordinal))
        {
            var events = run.OrderBy(e => e.Sequence).ToList();
            try
            {
                await PushAsync(run.Key, events, cancellationToken);
            }
#pragma warning disable CA1031 // The events are committed: a push failure must not fail collection; dashboards re-fetch by cursor.
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                RealtimeLog.PushFailed(logger, exception, run.Key, events.Count);
            }
        }
    }

    private async Task PushAsync(string runId, List<TraceEvent> events, CancellationToken cancellationToken)
    {
        var group = RealtimeGroups.Run(runId);
        foreach (var chunk in Split(runId, events))
        {
            await realtime.SendToGroupAsync(group, RealtimeTargets.TraceEvents, new TraceEventsMessage(runId, chunk), cancellationToken);
        }

        if (!events.Any(e => ChangesState(e.Type)))
        {
            return;
        }

        // Read after commit: the collector updated the summary in the same transaction as the events.
        if (await runs.GetAsync(runId, cancellationToken) is not { } summary)
        {
            RealtimeLog.RunSummaryMissing(logger, runId);
            return;
        }

        await realtime.SendToGroupAsync(group, RealtimeTargets.RunUpdated, summary, cancellationToken);
        await realtime.SendToGroupAsync(RealtimeGroups.Runs, RealtimeTargets.RunUpdated, summary, cancellationToken);
    }

    /// <summary>Consecutive runs of events whose serialized message stays under <see cref="MaxMessageBytes"/>.</summary>
    internal IEnumerable<List<TraceEvent>> Split(string runId, List<TraceEvent> events)
    {
        var overhead = EnvelopeBytes + JsonSerializer.SerializeToUtf8Bytes(new TraceEventsMessage(runId, []), ShipSecJson.Options).Length;

        // Usually the whole batch fits with room to spare: a cheap upper bound says so without serializing
        // every event a second time (SignalR serializes them to send), which used to be most of the ingest
        // path's allocations. Only batches that might not fit are measured event by event.
        long bound = overhead;
        foreach (var traceEvent in events)
        {
            bound += UpperBound(traceEvent);
            if (bound > MaxMessageBytes)
            {
                break;
            }
        }

        if (bound <= MaxMessageBytes)
        {
            yield return events;
            yield break;
        }

        var chunk = new List<TraceEvent>();
        var size = overhead;
        foreach (var traceEvent in events)
        {
            // +1 for the comma between array elements.
            var bytes = JsonSerializer.SerializeToUtf8Bytes(traceEvent, ShipSecJson.Options).Length + 1;
            if (overhead + bytes > MaxMessageBytes)
            {
                // No message can carry it; the gap it leaves makes dashboards re-fetch it from the trace.
                RealtimeLog.EventTooLarge(logger, traceEvent.Id, runId, bytes);
                continue;
            }

            if (size + bytes > MaxMessageBytes && chunk.Count > 0)
            {
                yield return chunk;
                chunk = [];
                size = overhead;
            }

            chunk.Add(traceEvent);
            size += bytes;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    /// <summary>Bytes the event's JSON takes at most (comma included); <see cref="long.MaxValue"/> for shapes not bounded here.</summary>
    private static long UpperBound(TraceEvent traceEvent)
    {
        if (traceEvent.Artifact is not null || traceEvent.OutputSummary is not null)
        {
            return long.MaxValue / 2;
        }

        var chars = traceEvent.Id.Length + traceEvent.RunId.Length + (traceEvent.NodeId?.Length ?? 0) + (traceEvent.Message?.Length ?? 0)
            + (traceEvent.Error is { } error ? error.Message.Length + error.Kind.Length : 0);
        return EventFixedBytes + ((long)chars * MaxBytesPerChar);
    }

    private static bool ChangesState(TraceEventType type) => type is TraceEventType.NodeStarted or TraceEventType.NodeCompleted
        or TraceEventType.NodeFailed or TraceEventType.NodeSkipped or TraceEventType.WorkflowStatus;
}
