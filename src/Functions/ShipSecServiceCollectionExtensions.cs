using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShipSec.Functions;
using ShipSec.Functions.Http;
using ShipSec.Functions.Runs;
using ShipSec.Shared.Json;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers what both hosts share: stores, the trace collector's observers, realtime fan-out, artifacts, components
/// and the run services. The trace transport is the host's own choice (<see cref="AddShipSecTraceTransport"/>, or
/// <c>AddShipSecInProcessTrace</c> on the local host).
/// </summary>
public static class ShipSecServiceCollectionExtensions
{
    /// <summary>Adds every ShipSec Runs service the function classes, orchestrator and activities need.</summary>
    public static IServiceCollection AddShipSecRuns(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(TimeProvider.System);
        services.AddShipSecPostgres();
        services.AddShipSecRealtime();
        services.AddShipSecArtifacts();
        services.AddShipSecComponents();
        // Performed by the orchestrator; registered so that workflows may name it and its inputs are checked.
        services.AddSingleton<ShipSec.Shared.Sdk.IComponent, ShipSec.Orchestrations.ApprovalComponent>();
        services.AddWorkflowDsl();
        services.AddShipSecApiAccess();
        services.AddOptions<ShipSec.Shared.Dsl.WorkflowOptions>()
            .BindConfiguration(ShipSec.Shared.Dsl.WorkflowOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ShipSec.Shared.Trace.TraceLimitsOptions>()
            .BindConfiguration(ShipSec.Shared.Trace.TraceLimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ShipSec.Orchestrations.AlertOptions>()
            .BindConfiguration(ShipSec.Orchestrations.AlertOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ShipSec.Shared.Artifacts.IRunArtifacts, ShipSec.Shared.Postgres.PostgresRunArtifacts>();
        services.AddSingleton<RunReconciler>();
        services.AddSingleton<RunLauncher>();
        services.AddSingleton<WorkflowSchedules>();
        services.AddSingleton<WorkflowScheduler>();
        services.AddSingleton<ShipSec.Functions.Http.IdempotentStarts>();
        services.TryAddSingleton<ShipSec.Shared.Trace.TraceConsumerStatus>();
        services.AddSingleton<ShipSec.Orchestrations.RunCancellationWatcher>();
        foreach (var activity in ShipSec.Orchestrations.OrchestrationCatalog.Activities.Values)
        {
            services.AddTransient(activity);
        }

        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(options => ShipSecJson.Configure(options.JsonSerializerOptions));
        return services;
    }

    /// <summary>
    /// Adds the HTTP API's gate: keys with roles (section <c>Access</c>), Entra ID bearer tokens (section <c>Access:Entra</c>), limits and the
    /// public base URL (section <c>Api</c>), <c>AllowedHosts</c>. Another <see cref="IApiPrincipalValidator"/>
    /// registered beside these is asked too.
    /// </summary>
    public static IServiceCollection AddShipSecApiAccess(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AccessOptions>()
            .BindConfiguration(AccessOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ApiKeyValidator>();
        services.AddSingleton<IApiPrincipalValidator>(provider => provider.GetRequiredService<ApiKeyValidator>());
        services.AddOptions<EntraOptions>().BindConfiguration(EntraOptions.SectionName);
        services.AddSingleton<EntraTokenValidator>();
        services.AddSingleton<IApiPrincipalValidator, EntraPrincipalValidator>();
        services.AddSingleton<ApiAccessPolicy>();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<RequestTargetRules>();
        services.AddSingleton<ApiGate>();
        return services;
    }

    /// <summary>
    /// Composes the trace transport named by <c>Trace:Transport</c> (<see cref="TraceTransportOptions"/>), read once
    /// while the app is built: <c>EventHubs</c> (Azure) or <c>InProcess</c> (the default, for <c>func start</c> on one machine).
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting names no transport.</exception>
    public static IServiceCollection AddShipSecTraceTransport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(TraceTransportOptions.SectionName).Get<TraceTransportOptions>() ?? new TraceTransportOptions();
        return options.Transport switch
        {
            TraceTransport.EventHubs => services.AddShipSecEventHubsTrace(),
            TraceTransport.InProcess => services.AddShipSecInProcessTrace(),
            var other => throw new InvalidOperationException($"Trace:Transport '{other}' is not a trace transport: use InProcess or EventHubs."),
        };
    }
}
