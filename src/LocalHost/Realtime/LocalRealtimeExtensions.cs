using ShipSec.LocalHost.Realtime;
using ShipSec.Shared.Json;
using ShipSec.Shared.Realtime;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The local host's SignalR hub, standing in for Azure SignalR Service.</summary>
public static class LocalRealtimeExtensions
{
    /// <summary>
    /// Adds SignalR (JSON protocol with the ShipSec JSON rules) and <see cref="LocalSignalRRealtime"/> as the
    /// <see cref="IRealtime"/> keyed <see cref="RealtimeProvider.Local"/>, which makes it the default provider.
    /// </summary>
    public static IServiceCollection AddShipSecLocalRealtime(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSignalR().AddJsonProtocol(options => ShipSecJson.Configure(options.PayloadSerializerOptions));
        services.AddKeyedSingleton<IRealtime, LocalSignalRRealtime>(RealtimeProvider.Local);
        return services;
    }

    /// <summary>Maps <see cref="RunsHub"/> at <see cref="RealtimeHub.LocalPath"/>.</summary>
    public static IEndpointRouteBuilder MapShipSecRealtimeHub(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<RunsHub>(RealtimeHub.LocalPath);
        return endpoints;
    }
}
