using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ShipSec.Shared.Trace;

/// <summary>
/// The core every trace transport calls: appends a batch to the store (which ignores known ids and assigns
/// the per-run sequence) and, after commit, tells each <see cref="ITraceObserver"/> about the new events.
/// </summary>
public sealed class TraceCollector(ITraceStore store, IEnumerable<ITraceObserver> observers, ILogger<TraceCollector> logger)
{
    private readonly ITraceObserver[] _observers = [.. observers];

    /// <summary>
    /// Appends <paramref name="events"/> and notifies the observers. Returns the events that were new, with
    /// their sequence; once this completes they are durable. Throws when the append failed (nothing was stored).
    /// </summary>
    public async Task<IReadOnlyList<TraceEvent>> CollectAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        var started = Stopwatch.GetTimestamp();
        using var span = TraceIngestTelemetry.StartIngest(TraceIngestTelemetry.InProcessTransport, events);
        IReadOnlyList<TraceEvent> committed;
        try
        {
            committed = await store.AppendAsync(events, cancellationToken);
        }
        catch (Exception exception) when (TraceIngestTelemetry.Failed(span, exception))
        {
            throw;
        }

        TraceIngestTelemetry.Ingested(span, TraceIngestTelemetry.InProcessTransport, events, committed.Count, started);
        await NotifyCommittedAsync(committed, cancellationToken);
        return committed;
    }

    /// <summary>
    /// Tells the observers about events a transport committed itself (the Event Hubs processor, in one transaction with
    /// its checkpoint). Never throws for an observer.
    /// </summary>
    public async Task NotifyCommittedAsync(IReadOnlyList<TraceEvent> committed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(committed);
        if (committed.Count == 0)
        {
            return;
        }

        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnCommittedAsync(committed, cancellationToken);
            }
#pragma warning disable CA1031 // The events are committed: an observer (realtime fan-out) must not turn that into a failure the transport would retry.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                TraceLog.ObserverFailed(logger, exception, observer.GetType().Name, committed.Count);
            }
        }
    }
}
