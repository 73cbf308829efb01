using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ShipSec.Shared.EventHubs;

/// <summary>Runs the <see cref="TraceEventProcessor"/> for the lifetime of the host.</summary>
public sealed class EventHubsTraceConsumer(TraceEventProcessor processor, ILogger<EventHubsTraceConsumer> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await processor.StartProcessingAsync(stoppingToken);
        EventHubsLog.ConsumerStarted(logger, processor.Identifier, processor.EventHubName, processor.ConsumerGroup);

        // The processor works on its own tasks; this service only has to stay alive until the host stops.
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = stoppingToken.Register(() => stopped.TrySetResult());
        await stopped.Task;
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Stopping lets in-flight batches finish and relinquishes ownership, so another host takes over at once.
        await processor.StopProcessingAsync(cancellationToken);
    }
}
