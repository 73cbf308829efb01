namespace ShipSec.Shared.Trace;

/// <summary>
/// Told about trace events once they are committed to the store, such as the realtime fan-out to
/// dashboards. A failing observer is logged and never fails the collection.
/// </summary>
public interface ITraceObserver
{
    /// <summary>Called after the events were committed, with their sequences, in sequence order per run.</summary>
    ValueTask OnCommittedAsync(IReadOnlyList<TraceEvent> committed, CancellationToken cancellationToken = default);
}
