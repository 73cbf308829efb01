using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipSec.Shared.EventHubs;
using ShipSec.Shared.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the trace transport chosen by configuration.</summary>
public static class TraceServiceCollectionExtensions
{
    /// <summary>
    /// Adds the trace transport named by <c>Trace:Transport</c>: <c>InProcess</c> (default, see
    /// <see cref="InProcessTraceServiceCollectionExtensions.AddShipSecInProcessTrace"/>) or <c>EventHubs</c>
    /// (see <see cref="AddShipSecEventHubsTrace"/>). The setting is read from the <see cref="IConfiguration"/>
    /// already registered (as the Functions and ASP.NET Core builders do); without one the default applies.
    /// Either way it is validated on start: a transport configured after this call fails the start instead of
    /// being silently ignored.
    /// </summary>
    public static IServiceCollection AddShipSecTrace(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var configuration = services.LastOrDefault(descriptor => descriptor.ServiceType == typeof(IConfiguration))?.ImplementationInstance as IConfiguration;
        return services.AddShipSecTrace(configuration);
    }

    /// <summary>As <see cref="AddShipSecTrace(IServiceCollection)"/>, reading <c>Trace:Transport</c> from <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddShipSecTrace(this IServiceCollection services, IConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var transport = TraceTransport.InProcess;
        var configured = configuration?[$"{TraceTransportOptions.SectionName}:{nameof(TraceTransportOptions.Transport)}"];
        if (!string.IsNullOrWhiteSpace(configured) && !Enum.TryParse(configured, ignoreCase: true, out transport))
        {
            throw new OptionsValidationException(TraceTransportOptions.SectionName, typeof(TraceTransportOptions),
                [$"Trace:Transport '{configured}' is not a transport; use InProcess or EventHubs."]);
        }

        services.AddOptions<TraceTransportOptions>()
            .BindConfiguration(TraceTransportOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(
                options => options.Transport == transport,
                $"Trace:Transport changed after the trace transport was registered ({transport}); set it before AddShipSecTrace runs.")
            .ValidateOnStart();

        return transport == TraceTransport.EventHubs ? services.AddShipSecEventHubsTrace() : services.AddShipSecInProcessTrace();
    }

    /// <summary>
    /// Adds the Event Hubs transport: <see cref="EventHubsTraceOptions"/> (section <c>Trace:EventHubs</c>, validated
    /// on start), the <see cref="EventHubsTracePublisher"/> as <see cref="ITracePublisher"/>, the <see cref="TraceCollector"/>,
    /// and the hosted <see cref="EventHubsTraceConsumer"/> running a <see cref="TraceEventProcessor"/> with ownership and
    /// checkpoints in PostgreSQL. Needs <c>AddShipSecPostgres</c>.
    /// </summary>
    public static IServiceCollection AddShipSecEventHubsTrace(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EventHubsTraceOptions>()
            .BindConfiguration(EventHubsTraceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton<TraceCollector>();
        services.TryAddSingleton<PostgresPartitionStore>();
        services.TryAddSingleton<EventHubsTracePublisher>();
        services.TryAddSingleton<ITracePublisher>(provider => provider.GetRequiredService<EventHubsTracePublisher>());
        services.TryAddSingleton(provider => TraceEventProcessor.Create(
            provider.GetRequiredService<IOptions<EventHubsTraceOptions>>().Value,
            provider.GetRequiredService<TraceCollector>(),
            provider.GetRequiredService<PostgresPartitionStore>(),
            provider.GetRequiredService<ILogger<TraceEventProcessor>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EventHubsTraceConsumer>());
        return services;
    }
}
