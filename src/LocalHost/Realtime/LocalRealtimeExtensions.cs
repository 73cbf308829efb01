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
        services.AddSingleton<LocalUserGroups>();
        services.AddKeyedSingleton<IRealtime, LocalSignalRRealtime>(RealtimeProvider.Local);
        return services;
    }

    /// <summary>
    /// Maps <see cref="RunsHub"/> at <see cref="RealtimeHub.LocalPath"/>, open only to clients presenting a
    /// token from negotiate (as Azure SignalR Service demands): the bearer header, or <c>access_token</c> on
    /// the query for WebSockets, as the SignalR clients send it. The token's subject becomes the user.
    /// </summary>
    public static WebApplication MapShipSecRealtimeHub(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var realtime = app.Services.GetRequiredKeyedService<IRealtime>(RealtimeProvider.Local);
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(RealtimeHub.LocalPath))
            {
                var header = context.Request.Headers.Authorization.FirstOrDefault();
                var token = header is { } bearer && bearer.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? bearer["Bearer ".Length..]
                    : context.Request.Query["access_token"].FirstOrDefault();
                if (token is null || realtime.ReadGrant(token) is not { } grant)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                    [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, grant.Subject)], "shipsec-realtime"));
            }

            await next(context);
        });
        app.MapHub<RunsHub>(RealtimeHub.LocalPath);
        return app;
    }
}
