using System.Threading.Channels;

namespace ShipSec.Shared.Trace;

/// <summary>
/// The one-machine trace transport: queues batches on a bounded in-memory channel for the
/// <see cref="InProcessTraceConsumer"/>, and completes <see cref="PublishAsync"/> only once the consumer
/// has committed the batch to the store, so a node's events are flushed before its activity returns.
/// </summary>
public sealed class InProcessTracePublisher : ITracePublisher
{
    /// <summary>How many batches may wait for the consumer before publishers wait for room.</summary>
    internal const int Capacity = 1024;

    private readonly Channel<PendingTraceBatch> _channel = Channel.CreateBounded<PendingTraceBatch>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <inheritdoc />
    /// <remarks>
    /// The channel is first in, first out and its single consumer commits batches in that order (merging
    /// queued ones), so publishes started in order are stored in order however many are in flight. A busy
    /// writer's window is what the consumer can merge into one append: 32 batches of a few hundred events
    /// fill the consumer's largest append (see <see cref="InProcessTraceConsumer.MaxEventsPerCollect"/>).
    /// </remarks>
    public int OrderedPublishesInFlight => 32;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The consumer has stopped and takes no more batches.</exception>
    /// <remarks>Throws what the store threw when the batch could not be committed; the caller decides whether to retry.</remarks>
    public async Task PublishAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        // A copy, because the caller may reuse its list once it stops waiting (cancellation) while the batch is still queued.
        var pending = new PendingTraceBatch([.. events]);
        try
        {
            await _channel.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException exception)
        {
            throw new InvalidOperationException("The in-process trace consumer has stopped; no more trace events are accepted.", exception);
        }

        await pending.Committed.WaitAsync(cancellationToken);
    }

    /// <summary>Batches waiting for the consumer.</summary>
    internal ChannelReader<PendingTraceBatch> Pending => _channel.Reader;

    /// <summary>Refuses further batches; those already queued can still be read.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}

/// <summary>A published batch and the publisher waiting for its commit.</summary>
internal sealed class PendingTraceBatch(IReadOnlyList<TraceEvent> events)
{
    private readonly TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<TraceEvent> Events { get; } = events;

    public Task Committed => _committed.Task;

    public void MarkCommitted() => _committed.TrySetResult();

    public void MarkFailed(Exception exception) => _committed.TrySetException(exception);

    /// <summary>
    /// The batch cut into one batch per run, in event order, when it holds several runs (each run must go to
    /// its own lane); this batch completes once every part committed, or fails with the first failure.
    /// </summary>
    public IReadOnlyList<PendingTraceBatch> SplitByRun()
    {
        var firstRun = Events[0].RunId;
        if (Events.All(e => e.RunId == firstRun))
        {
            return [this];
        }

        var parts = Events.GroupBy(e => e.RunId, StringComparer.Ordinal).Select(g => new PendingTraceBatch([.. g])).ToList();
        _ = CompleteWhenAllAsync(parts);
        return parts;
    }

    private async Task CompleteWhenAllAsync(List<PendingTraceBatch> parts)
    {
        try
        {
            await Task.WhenAll(parts.Select(p => p.Committed));
            MarkCommitted();
        }
#pragma warning disable CA1031 // The failure goes to the waiting publisher.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            MarkFailed(exception);
        }
    }
}
