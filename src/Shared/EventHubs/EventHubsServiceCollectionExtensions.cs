using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipSec.Shared.EventHubs;
using ShipSec.Shared.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Event Hubs trace transport.</summary>
public static class EventHubsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Event Hubs trace transport: <see cref="EventHubsTraceOptions"/> (section <c>Trace:EventHubs</c>, validated
    /// on start), the <see cref="EventHubsTracePublisher"/> as <see cref="ITracePublisher"/>, the <see cref="TraceCollector"/>,
    /// and the hosted <see cref="EventHubsTraceConsumer"/> whose processor keeps ownership and checkpoints in PostgreSQL
    /// (<see cref="PostgresPartitionStore"/>). Needs <c>AddShipSecPostgres</c>.
    /// </summary>
    public static IServiceCollection AddShipSecEventHubsTrace(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EventHubsTraceOptions>()
            .BindConfiguration(EventHubsTraceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<TraceCollector>();
        services.TryAddSingleton<EventHubsTracePublisher>();
        services.TryAddSingleton<ITracePublisher>(provider => provider.GetRequiredService<EventHubsTracePublisher>());
        services.TryAddSingleton<PostgresPartitionStore>();
        services.TryAddSingleton(provider => TraceEventProcessor.Create(
            provider.GetRequiredService<IOptions<EventHubsTraceOptions>>().Value,
            provider.GetRequiredService<TraceCollector>(),
            provider.GetRequiredService<PostgresPartitionStore>(),
            provider.GetRequiredService<ILogger<TraceEventProcessor>>()));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TraceConsumerStatus>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EventHubsTraceConsumer>());
        return services;
    }
}
