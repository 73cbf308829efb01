using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ShipSec.Shared.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the in-process trace transport.</summary>
public static class TraceServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="TraceCollector"/>, the <see cref="InProcessTracePublisher"/> as <see cref="ITracePublisher"/>,
    /// and the hosted <see cref="InProcessTraceConsumer"/>. Needs an <see cref="ITraceStore"/> (see <c>AddShipSecPostgres</c>);
    /// register <see cref="ITraceObserver"/>s to hear of committed events.
    /// </summary>
    public static IServiceCollection AddShipSecInProcessTrace(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<TraceCollector>();
        services.TryAddSingleton<InProcessTracePublisher>();
        services.TryAddSingleton<ITracePublisher>(provider => provider.GetRequiredService<InProcessTracePublisher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InProcessTraceConsumer>());
        return services;
    }
}
