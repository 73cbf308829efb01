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

        foreach (var (runId, events) in ByRun(committed))
        {
            try
            {
                await PushAsync(runId, events, cancellationToken);
            }
#pragma warning disable CA1031 // The events are committed: a push failure must not fail collection; dashboards re-fetch by cursor.
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                RealtimeLog.PushFailed(logger, exception, runId, events.Count);
            }
        }
    }

    /// <summary>Each run's events in sequence order; a batch that is one run in order already (the usual case) is used as it is.</summary>
    private static IEnumerable<(string RunId, IReadOnlyList<TraceEvent> Events)> ByRun(IReadOnlyList<TraceEvent> committed)
    {
        var runId = committed[0].RunId;
        var ordered = true;
        for (var i = 1; i < committed.Count && ordered; i++)
        {
            ordered = string.Equals(committed[i].RunId, runId, StringComparison.Ordinal) && committed[i].Sequence > committed[i - 1].Sequence;
        }

        return ordered
            ? [(runId, committed)]
            : committed.GroupBy(e => e.RunId, StringComparer.Ordinal).Select(run => (run.Key, (IReadOnlyList<TraceEvent>)[.. run.OrderBy(e => e.Sequence)]));
    }

    private async Task PushAsync(string runId, IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken)
    {
        var group = RealtimeGroups.Run(runId);
        foreach (var chunk in Split(runId, events))
        {
            await realtime.SendToGroupAsync(group, RealtimeTargets.TraceEvents, new TraceEventsMessage(runId, chunk), cancellationToken);
        }

        if (!events.Any(e => TraceEventTypes.ChangesState(e.Type)))
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

    /// <summary>
    /// Consecutive runs of events whose serialized message stays under <see cref="MaxMessageBytes"/>, the whole
    /// batch itself when it fits.
    /// </summary>
    /// <remarks>
    /// Sized by an upper bound of each event's JSON rather than by serializing it (SignalR serializes what
    /// it sends; measuring every event too used to be most of the ingest path's allocations): a message may
    /// end up below what it could hold, never above. Events whose bound is open (artifacts, output summaries)
    /// or too large for a message are serialized to measure them.
    /// </remarks>
    internal IEnumerable<IReadOnlyList<TraceEvent>> Split(string runId, IReadOnlyList<TraceEvent> events)
    {
        long overhead = EnvelopeBytes + JsonSerializer.SerializeToUtf8Bytes(new TraceEventsMessage(runId, []), ShipSecJson.Options).Length;
        var start = 0;
        var size = overhead;
        var whole = true;
        for (var i = 0; i < events.Count; i++)
        {
            var bytes = UpperBound(events[i]);
            if (overhead + bytes > MaxMessageBytes)
            {
                // +1 for the comma between array elements.
                bytes = JsonSerializer.SerializeToUtf8Bytes(events[i], ShipSecJson.Options).Length + 1;
            }

            if (overhead + bytes > MaxMessageBytes)
            {
                // No message can carry it; the gap it leaves makes dashboards re-fetch it from the trace.
                // Measured above, so within int.
                RealtimeLog.EventTooLarge(logger, events[i].Id, runId, (int)bytes);
                if (i > start)
                {
                    yield return Range(events, start, i);
                }

                whole = false;
                start = i + 1;
                size = overhead;
                continue;
            }

            if (size + bytes > MaxMessageBytes && i > start)
            {
                yield return Range(events, start, i);
                whole = false;
                start = i;
                size = overhead;
            }

            size += bytes;
        }

        if (whole)
        {
            yield return events;
        }
        else if (start < events.Count)
        {
            yield return Range(events, start, events.Count);
        }
    }

    private static TraceEvent[] Range(IReadOnlyList<TraceEvent> events, int start, int end)
    {
        var range = new TraceEvent[end - start];
        for (var i = start; i < end; i++)
        {
            range[i - start] = events[i];
        }

        return range;
    }

    /// <summary>Bytes the event's JSON takes at most, comma included; beyond any message for shapes not bounded here.</summary>
    private static long UpperBound(TraceEvent traceEvent)
    {
        if (traceEvent.Artifact is not null || traceEvent.OutputSummary is not null || traceEvent.Inputs is not null)
        {
            return MaxMessageBytes + 1L;
        }

        return EventFixedBytes + JsonStringBound(traceEvent.Id) + JsonStringBound(traceEvent.RunId) + JsonStringBound(traceEvent.NodeId)
            + JsonStringBound(traceEvent.Message) + JsonStringBound(traceEvent.Output?.Raw)
            + (traceEvent.Error is { } error ? JsonStringBound(error.Message) + JsonStringBound(error.Kind) : 0);
    }

    /// <summary>
    /// Bytes of a string's JSON content at most: printable ASCII that no encoder escapes is one byte, anything
    /// else at most <see cref="MaxBytesPerChar"/> (an escape like \u00e9; a surrogate pair is two of them).
    /// </summary>
    private static long JsonStringBound(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        long bytes = 0;
        foreach (var c in value)
        {
            bytes += c is >= ' ' and < '\x7f' and not ('"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`') ? 1 : MaxBytesPerChar;
        }

        return bytes;
    }
}
