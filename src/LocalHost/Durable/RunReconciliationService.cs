using Microsoft.DurableTask.Client;
using ShipSec.Functions.Runs;

namespace ShipSec.LocalHost.Durable;

/// <summary>
/// Sweeps runs left <c>queued</c> or <c>running</c> after their orchestration ended (see <see cref="RunReconciler"/>)
/// every <see cref="Interval"/>, so they end even when nobody reads their status. A sweep that fails (a dependency
/// is down) is simply tried again at the next tick.
/// </summary>
internal sealed class RunReconciliationService(RunReconciler reconciler, DurableTaskClient client, TimeProvider clock, ILogger<RunReconciliationService> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private const int RunsPerSweep = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var ended = await reconciler.SweepAsync(client, RunsPerSweep, stoppingToken);
                if (ended > 0)
                {
                    LocalHostLog.RunsReconciled(logger, ended);
                }
            }
#pragma warning disable CA1031 // The next tick tries again; the service must outlive an outage.
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LocalHostLog.RunReconciliationFailed(logger, exception);
            }
        }
    }
}
