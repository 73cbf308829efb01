using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.Extensions.Options;

namespace ShipSec.LocalHost.Durable;

/// <summary>Wires the Durable Task Framework backend, worker and client of the local host.</summary>
internal static class LocalDurableTaskServiceCollectionExtensions
{
    public static IServiceCollection AddLocalDurableTask(this IServiceCollection services)
    {
        services.AddOptions<DurableTaskFrameworkOptions>()
            .BindConfiguration(DurableTaskFrameworkOptions.SectionName)
            .PostConfigure<IConfiguration>((options, configuration) =>
                options.ConnectionString ??= configuration.GetConnectionString("Storage"))
            .ValidateDataAnnotations()
            .Validate(
                options => options.Backend != OrchestrationBackend.AzureStorage || !string.IsNullOrWhiteSpace(options.ConnectionString),
                "DurableTask:ConnectionString (or ConnectionStrings:Storage) is required for the AzureStorage backend.")
            .ValidateOnStart();

        services.AddSingleton<IOrchestrationService>(provider => CreateService(
            provider.GetRequiredService<IOptions<DurableTaskFrameworkOptions>>().Value,
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(provider => (IOrchestrationServiceClient)provider.GetRequiredService<IOrchestrationService>());
        services.AddSingleton<DurableTaskClient>(provider => new LocalDurableTaskClient(provider.GetRequiredService<IOrchestrationServiceClient>()));
        services.AddHostedService<DurableTaskFrameworkWorker>();
        services.AddHostedService<RunReconciliationService>();
        services.AddOptions<Scheduling.ScheduleOptions>()
            .BindConfiguration(Scheduling.ScheduleOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Scheduling.LocalScheduleService>();
        services.AddSingleton<ShipSec.Functions.Runs.IScheduleWake>(provider => provider.GetRequiredService<Scheduling.LocalScheduleService>());
        services.AddHostedService(provider => provider.GetRequiredService<Scheduling.LocalScheduleService>());
        return services;
    }

    private static IOrchestrationService CreateService(DurableTaskFrameworkOptions options, ILoggerFactory loggerFactory)
    {
        if (options.Backend == OrchestrationBackend.InMemory)
        {
            return new InMemoryBackend(new InMemoryOrchestrationService(loggerFactory), options.MaxConcurrentActivities, options.MaxConcurrentOrchestrations);
        }

        // Short visibility timeouts and polling intervals: on one machine a crashed host's work items should
        // come back within seconds, and a person watching should not wait on queue back-off.
        return new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(options.ConnectionString!),
            TaskHubName = options.TaskHubName,
            WorkerId = options.WorkerId,
            PartitionCount = 1,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(options.WorkItemVisibilityTimeoutSeconds),
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(options.WorkItemVisibilityTimeoutSeconds),
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(options.MaxQueuePollingIntervalMilliseconds),
            LoggerFactory = loggerFactory,
        });
    }
}
