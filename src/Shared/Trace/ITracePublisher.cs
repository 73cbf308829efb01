namespace ShipSec.Shared.Trace;

/// <summary>
/// Hands trace events to the transport (in-process channel locally, Event Hubs in Azure). The returned
/// task completes once the transport has acknowledged the events: after that they are never lost.
/// </summary>
public interface ITracePublisher
{
    /// <summary>Publishes a batch of events of one or more runs.</summary>
    Task PublishAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default);
}
