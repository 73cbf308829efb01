using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Realtime;
using ShipSec.Shared.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the realtime fan-out of committed trace events.</summary>
public static class RealtimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RealtimeOptions"/> (section <c>Realtime</c>) and <see cref="AzureSignalROptions"/>
    /// (section <c>Realtime:AzureSignalR</c>; the connection string falls back to the <c>AzureSignalRConnectionString</c>
    /// setting), both validated on start; the <see cref="RealtimeTraceObserver"/>;
    /// <see cref="AzureSignalRRealtime"/> as the <see cref="IRealtime"/> keyed <see cref="RealtimeProvider.AzureSignalR"/>;
    /// and <see cref="IRealtime"/> itself, the implementation keyed by the configured provider. A host with its own
    /// hub registers an <see cref="IRealtime"/> keyed <see cref="RealtimeProvider.Local"/>, which then is the default.
    /// </summary>
    public static IServiceCollection AddShipSecRealtime(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(AzureSignalRRealtime.HttpClientName);

        services.AddOptions<AzureSignalROptions>()
            .BindConfiguration(AzureSignalROptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                // The app setting Azure's SignalR tooling and bindings use, so an existing deployment works as is.
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    options.ConnectionString = configuration[AzureSignalROptions.ConventionalSettingName];
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<RealtimeOptions>()
            .BindConfiguration(RealtimeOptions.SectionName)
            .PostConfigure<IServiceProviderIsKeyedService, IOptions<AzureSignalROptions>>((options, registered, azure) =>
                options.Provider ??= registered.IsKeyedService(typeof(IRealtime), RealtimeProvider.Local) ? RealtimeProvider.Local
                    : !string.IsNullOrWhiteSpace(azure.Value.ConnectionString) ? RealtimeProvider.AzureSignalR
                    : RealtimeProvider.None)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeOptions>, RealtimeOptionsValidator>());

        services.TryAddKeyedSingleton<IRealtime, AzureSignalRRealtime>(RealtimeProvider.AzureSignalR);
        services.TryAddSingleton<IRealtime>(provider => provider.GetRequiredService<IOptions<RealtimeOptions>>().Value.Provider switch
        {
            null or RealtimeProvider.None => new DisabledRealtime(),
            var chosen => provider.GetRequiredKeyedService<IRealtime>(chosen.Value),
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITraceObserver, RealtimeTraceObserver>());
        return services;
    }
}
