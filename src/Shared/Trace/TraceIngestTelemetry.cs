using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ShipSec.Shared.Trace;

/// <summary>
/// Spans and metrics of trace ingest (ActivitySource and Meter <see cref="Name"/>), shared by every transport's
/// consumer: one <see cref="IngestSpan"/> per appended batch, linked to the spans that emitted its events (they
/// belong to other traces: a batch mixes runs), and the counters an operator watches for a backlog.
/// </summary>
public static class TraceIngestTelemetry
{
    /// <summary>The ActivitySource and Meter name.</summary>
    public const string Name = "ShipSec.Trace";

    /// <summary>The span of one appended batch.</summary>
    public const string IngestSpan = "shipsec.trace.ingest";

    /// <summary>Transport tag of the in-process channel.</summary>
    public const string InProcessTransport = "in-process";

    /// <summary>Transport tag of the Event Hubs processor.</summary>
    public const string EventHubsTransport = "event-hubs";

    // A batch can hold thousands of events from hundreds of attempts; links beyond this say little more.
    private const int MaxLinks = 32;

    private static readonly System.Buffers.SearchValues<char> LowercaseHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> EventsIngested = Meter.CreateCounter<long>(
        "shipsec.trace.events.ingested", "{event}", "Trace events stored (new ones; redelivered ids are not counted).");

    private static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>(
        "shipsec.trace.append.duration", "s", "Time to append one batch to the trace store, commit included.");

    private static readonly Histogram<double> ConsumerLag = Meter.CreateHistogram<double>(
        "shipsec.trace.consumer.lag", "s", "Age of the oldest event of each appended batch when it was committed: how far the consumer is behind the emitters.");

    /// <summary>
    /// Starts the span of appending <paramref name="events"/> (null when nobody records it); pass it with the
    /// start timestamp to <see cref="Ingested"/> once the batch is committed.
    /// </summary>
    public static Activity? StartIngest(string transport, IReadOnlyList<TraceEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!Source.HasListeners())
        {
            return null;
        }

        var span = Source.StartActivity(IngestSpan, ActivityKind.Consumer, parentContext: default, links: LinksOf(events));
        span?.SetTag("shipsec.trace.transport", transport);
        span?.SetTag("shipsec.trace.batch.events", events.Count);
        return span;
    }

    /// <summary>Records a committed batch: its span's outcome, the events that were new, the append time and the lag.</summary>
    public static void Ingested(Activity? span, string transport, IReadOnlyList<TraceEvent> received, int committed, long startedTimestamp)
    {
        ArgumentNullException.ThrowIfNull(received);
        var tag = new KeyValuePair<string, object?>("transport", transport);
        EventsIngested.Add(committed, tag);
        AppendDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tag);
        if (received.Count > 0)
        {
            var oldest = received.Min(e => e.Timestamp);
            ConsumerLag.Record(Math.Max(0, (DateTimeOffset.UtcNow - oldest).TotalSeconds), tag);
        }

        span?.SetTag("shipsec.trace.batch.new_events", committed);
        span?.SetStatus(ActivityStatusCode.Ok);
    }

    /// <summary>Marks the span failed; returns false, so it can sit in an exception filter that lets the exception pass.</summary>
    public static bool Failed(Activity? span, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        span?.SetStatus(ActivityStatusCode.Error, exception.Message);
        span?.AddException(exception);
        return false;
    }

    /// <summary>The emitting span of an event, when it names a well-formed one.</summary>
    public static bool TryGetEmitter(TraceEvent traceEvent, out ActivityContext emitter)
    {
        ArgumentNullException.ThrowIfNull(traceEvent);
        emitter = default;
        if (traceEvent.TraceId is not { Length: 32 } traceId || traceEvent.SpanId is not { Length: 16 } spanId
            || !IsHex(traceId) || !IsHex(spanId))
        {
            return false;
        }

        emitter = new ActivityContext(ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateFromString(spanId), ActivityTraceFlags.None, isRemote: true);
        return true;
    }

    private static List<ActivityLink> LinksOf(IReadOnlyList<TraceEvent> events)
    {
        var seen = new HashSet<(string, string)>();
        var links = new List<ActivityLink>();
        foreach (var traceEvent in events)
        {
            if (links.Count == MaxLinks)
            {
                break;
            }

            if (TryGetEmitter(traceEvent, out var emitter) && seen.Add((traceEvent.TraceId!, traceEvent.SpanId!)))
            {
                links.Add(new ActivityLink(emitter));
            }
        }

        return links;
    }

    private static bool IsHex(string text) => text.AsSpan().IndexOfAnyExcept(LowercaseHex) < 0;
}
