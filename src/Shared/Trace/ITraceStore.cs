namespace ShipSec.Shared.Trace;

/// <summary>The append-only trace of every run.</summary>
public interface ITraceStore
{
    /// <summary>
    /// Appends events in one transaction: ids already stored (or repeated in the batch) are ignored, the
    /// rest get the next per-run sequence numbers in batch order (gapless from 1), and the run and node
    /// summaries are updated. Returns the events that were new, with their sequence.
    /// </summary>
    Task<IReadOnlyList<TraceEvent>> AppendAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Events of a run with sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    Task<TracePage> ReadAsync(string runId, long afterSequence, int limit, CancellationToken cancellationToken = default);
}

/// <summary>One page of a run's trace.</summary>
/// <param name="Events">The events, in sequence order.</param>
/// <param name="NextCursor">The sequence to pass as <c>after</c> for the next page (the last sequence returned, or the cursor given).</param>
/// <param name="HasMore">True when more events were stored beyond this page at the time of reading.</param>
public sealed record TracePage(IReadOnlyList<TraceEvent> Events, long NextCursor, bool HasMore);
