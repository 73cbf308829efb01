namespace ShipSec.Shared.Trace;

/// <summary>
/// Hands trace events to the transport (in-process channel locally, Event Hubs in Azure). The returned
/// task completes once the transport has acknowledged the events: after that they are never lost.
/// </summary>
public interface ITracePublisher
{
    /// <summary>Publishes a batch of events of one or more runs.</summary>
    Task PublishAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many publishes of one run may be in flight at once with their events still stored in call order.
    /// 1 unless the transport keeps call order itself (the in-process channel is first in, first out); more
    /// lets an emitter hand over its next batch while the previous one commits, and lets the collector
    /// merge them into fewer, larger transactions.
    /// </summary>
    int OrderedPublishesInFlight => 1;
}
