using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using ShipSec.Functions.Runs;

namespace ShipSec.LocalHost.Scheduling;

/// <summary>
/// The local host's scheduler loop: calls the shared <see cref="WorkflowScheduler"/> (the same code the Functions app's
/// schedule ticker calls), then sleeps until the next fire is due, the poll interval passes or a new schedule wakes it.
/// A pass that fails (a dependency is down) is tried again at the next wake.
/// </summary>
internal sealed class LocalScheduleService(
    WorkflowScheduler scheduler, DurableTaskClient client, IOptions<ScheduleOptions> options, TimeProvider clock, ILogger<LocalScheduleService> logger)
    : BackgroundService, IScheduleWake
{
    // A due fire that another scheduler holds (its start is under way) is not ours to take: wait a little rather than spin.
    private static readonly TimeSpan MinSleep = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim wake = new(0, 1);

    /// <inheritdoc />
    public Task WakeAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: one pass sees every schedule.
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var poll = TimeSpan.FromMilliseconds(options.Value.PollIntervalMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var sleep = poll;
            try
            {
                var fired = await scheduler.FireDueAsync(client, stoppingToken);
                if (fired > 0)
                {
                    LocalHostLog.SchedulesFired(logger, fired);
                }

                if (await scheduler.NextDueAsync(stoppingToken) is { } next)
                {
                    var until = next - clock.GetUtcNow();
                    sleep = until < MinSleep ? MinSleep : until < poll ? until : poll;
                }
            }
#pragma warning disable CA1031 // The next pass tries again; the loop must outlive an outage.
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LocalHostLog.SchedulePassFailed(logger, exception);
            }

            try
            {
                await wake.WaitAsync(sleep, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
