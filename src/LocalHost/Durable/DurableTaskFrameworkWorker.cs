using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using ShipSec.Orchestrations;

namespace ShipSec.LocalHost.Durable;

/// <summary>Runs the catalog's orchestrators and activities on a Durable Task Framework <see cref="TaskHubWorker"/>.</summary>
internal sealed class DurableTaskFrameworkWorker(
    IOrchestrationService service,
    IServiceProvider services,
    ILoggerFactory loggerFactory,
    ILogger<DurableTaskFrameworkWorker> logger) : IHostedService, IAsyncDisposable
{
    private TaskHubWorker? worker;

    private static readonly TimeSpan ForcedStopDeadline = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = LocalDurableTaskClient.Converter }, loggerFactory);
        var orchestrations = OrchestrationCatalog.Orchestrators.ToDictionary(
            pair => pair.Key,
            pair => (Func<TaskOrchestration>)(() => shims.CreateOrchestration(
                new TaskName(pair.Key), (ITaskOrchestrator)ActivatorUtilities.CreateInstance(services, pair.Value))),
            StringComparer.Ordinal);
        var activities = OrchestrationCatalog.Activities.ToDictionary(
            pair => pair.Key,
            pair => (Func<TaskActivity>)(() => shims.CreateActivity(
                new TaskName(pair.Key), (ITaskActivity)services.GetRequiredService(pair.Value))),
            StringComparer.Ordinal);

        await service.CreateIfNotExistsAsync();
        worker = new TaskHubWorker(
            service,
            new ShimObjectManager<TaskOrchestration>(orchestrations),
            new ShimObjectManager<TaskActivity>(activities),
            loggerFactory);
        await worker.StartAsync();
        LocalHostLog.DurableWorkerStarted(logger, service.GetType().Name);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (worker is not null)
        {
            // Not forced: running activities finish (and flush their trace) before the host exits. When the host's
            // shutdown timeout runs out first (measured after an Azurite outage: the graceful stop did not end within
            // 30 s), stop forced: what did not finish is redelivered to the next worker, as after a crash.
            try
            {
                await worker.StopAsync(isForced: false).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                LocalHostLog.DurableWorkerForcedStop(logger);
                await worker.StopAsync(isForced: true).WaitAsync(ForcedStopDeadline, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            LocalHostLog.DurableWorkerStopped(logger);
        }
    }

    public ValueTask DisposeAsync()
    {
        worker?.Dispose();
        return ValueTask.CompletedTask;
    }
}
