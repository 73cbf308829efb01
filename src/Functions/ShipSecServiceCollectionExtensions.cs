using ShipSec.Functions.Runs;
using ShipSec.Shared.Json;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what both hosts share: stores, trace pipeline, realtime fan-out, artifacts, components and the run services.</summary>
public static class ShipSecServiceCollectionExtensions
{
    /// <summary>Adds every ShipSec Runs service the function classes, orchestrator and activities need.</summary>
    public static IServiceCollection AddShipSecRuns(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(TimeProvider.System);
        services.AddShipSecPostgres();
        services.AddShipSecTrace();
        services.AddShipSecRealtime();
        services.AddShipSecArtifacts();
        services.AddShipSecComponents();
        services.AddWorkflowDsl();
        services.AddOptions<ShipSec.Functions.Http.AccessOptions>().BindConfiguration(ShipSec.Functions.Http.AccessOptions.SectionName);
        services.AddSingleton<ShipSec.Functions.Http.ApiAccessPolicy>();
        services.AddOptions<ShipSec.Functions.Http.ApiOptions>()
            .BindConfiguration(ShipSec.Functions.Http.ApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ShipSec.Shared.Trace.TraceLimitsOptions>()
            .BindConfiguration(ShipSec.Shared.Trace.TraceLimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ShipSec.Shared.Artifacts.IRunArtifacts, ShipSec.Shared.Postgres.PostgresRunArtifacts>();
        services.AddSingleton<RunReconciler>();
        services.AddSingleton<RunLauncher>();
        foreach (var activity in ShipSec.Orchestrations.OrchestrationCatalog.Activities.Values)
        {
            services.AddTransient(activity);
        }

        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(options => ShipSecJson.Configure(options.JsonSerializerOptions));
        return services;
    }
}
