using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.EventHubs;

/// <summary>
/// The Azure trace transport: sends trace events to Event Hubs with the run id as partition key, so every
/// event of a run lands, in order, in one partition and reaches one collector. A run's events travel as
/// JSON arrays packed into Event Hubs events (see <see cref="TraceEventBodies"/>), those in as few
/// size-limited batches as fit (the hub's limit, 1 MB on Standard, enforced by <see cref="EventDataBatch.TryAdd"/>).
/// <see cref="PublishAsync"/> completes once Event Hubs acknowledged every batch, so a node's events are
/// durable before its activity returns.
/// </summary>
public sealed class EventHubsTracePublisher : ITracePublisher, IAsyncDisposable
{
    private readonly IEventHubSender _sender;
    private readonly int _maxBodyBytes;

    /// <summary>A publisher on the configured hub.</summary>
    public EventHubsTracePublisher(IOptions<EventHubsTraceOptions> options)
        : this(new ProducerClientSender((options ?? throw new ArgumentNullException(nameof(options))).Value.CreateProducer()))
    {
    }

    internal EventHubsTracePublisher(IEventHubSender sender, int maxBodyBytes = TraceEventBodies.MaxBodyBytes)
    {
        _sender = sender;
        _maxBodyBytes = maxBodyBytes;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">One trace event is too large for an Event Hubs batch on its own.</exception>
    /// <remarks>
    /// Runs are sent concurrently; one run's batches one after the other, keeping its order. When a send
    /// fails, earlier batches may already be stored: a retry is safe because the collector ignores known ids.
    /// </remarks>
    public async Task PublishAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        var runs = TraceEventBodies.Pack(events, _maxBodyBytes);
        if (runs.Count == 1)
        {
            await SendRunAsync(runs[0], cancellationToken);
            return;
        }

        await Task.WhenAll(runs.Select(run => SendRunAsync(run, cancellationToken)));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _sender.DisposeAsync();

    private async Task SendRunAsync(RunBodies run, CancellationToken cancellationToken)
    {
        var options = new CreateBatchOptions { PartitionKey = run.RunId };
        var batch = await _sender.CreateBatchAsync(options, cancellationToken);
        try
        {
            foreach (var body in run.Bodies)
            {
                var data = new EventData(body) { ContentType = TraceEventBodies.ContentType };
                if (batch.TryAdd(data))
                {
                    continue;
                }

                if (batch.Count > 0)
                {
                    await _sender.SendAsync(batch, cancellationToken);
                    batch.Dispose();
                    batch = await _sender.CreateBatchAsync(options, cancellationToken);
                    if (batch.TryAdd(data))
                    {
                        continue;
                    }
                }

                throw new InvalidOperationException(
                    $"A trace event of run {run.RunId} is too large for an Event Hubs batch ({body.ToMemory().Length} bytes of JSON, limit {batch.MaximumSizeInBytes} bytes).");
            }

            if (batch.Count > 0)
            {
                await _sender.SendAsync(batch, cancellationToken);
            }
        }
        finally
        {
            batch.Dispose();
        }
    }
}

/// <summary>The part of <see cref="EventHubProducerClient"/> the publisher uses, so its batching can be tested without a hub.</summary>
internal interface IEventHubSender : IAsyncDisposable
{
    ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken);

    Task SendAsync(EventDataBatch batch, CancellationToken cancellationToken);
}

/// <summary>The real sender.</summary>
internal sealed class ProducerClientSender(EventHubProducerClient producer) : IEventHubSender
{
    public ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken)
        => producer.CreateBatchAsync(options, cancellationToken);

    public Task SendAsync(EventDataBatch batch, CancellationToken cancellationToken) => producer.SendAsync(batch, cancellationToken);

    public ValueTask DisposeAsync() => producer.DisposeAsync();
}
