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
}
