using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.EventHubs;

/// <summary>
/// Runs the <see cref="TraceEventProcessor"/> for the lifetime of the host. A start that fails (Event Hubs or
/// PostgreSQL unreachable, a missing role) is tried again with back-off (1 s doubling to 1 min) and shows in
/// <see cref="TraceConsumerStatus"/>: a throw from here would stop the whole host (.NET's default), taking
/// the HTTP API down with the consumer.
/// </summary>
public sealed class EventHubsTraceConsumer(
    TraceEventProcessor processor, TraceConsumerStatus status, TimeProvider clock, ILogger<EventHubsTraceConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstRetry;
        while (true)
        {
            try
            {
                await processor.StartProcessingAsync(stoppingToken);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any start failure is retried; the host must keep serving meanwhile.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                status.Failed(exception, clock.GetUtcNow() + delay);
                EventHubsLog.ConsumerStartFailed(logger, exception, delay.TotalSeconds);
                try
                {
                    // A back-off between attempts, not a wait for a condition.
                    await Task.Delay(delay, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetry.Ticks));
            }
        }

        status.Running();
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
