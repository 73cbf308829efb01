using ShipSec.Functions.Http;
using ShipSec.LocalHost.Access;
using ShipSec.LocalHost.Durable;
using ShipSec.LocalHost.Endpoints;
using ShipSec.Shared.Json;

namespace ShipSec.LocalHost;

/// <summary>
/// Composes the one-machine host: the Functions app's services and HTTP function classes on ASP.NET Core,
/// the orchestrator and activities on the Durable Task Framework. Tests build the very same app.
/// </summary>
public static class LocalHostApp
{
    /// <summary>The address the host listens on unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> says otherwise (the Functions host's port).</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Builds the application; <paramref name="configure"/> lets tests override configuration and services.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The content root is the build output, wherever the host is started from, so appsettings.json is found.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // Loopback only unless configured: a forged Host (DNS rebinding, a proxy) is refused before anything reads it.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = [new(RequestTargetRules.AllowedHostsKey, ErrorResponses.LoopbackHosts)],
        });
        builder.UseProblemLimits();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddShipSecRuns();
        builder.Services.AddShipSecInProcessTrace();
        builder.Services.AddLocalDurableTask();
        builder.Services.AddSingleton<ApiKeyAccess>();
        builder.Services.AddShipSecLocalRealtime();
        builder.Services.AddMvcCore().AddJsonOptions(options => ShipSecJson.Configure(options.JsonSerializerOptions));
        configure?.Invoke(builder);
        // After the caller's configuration, which may name an exporter (the OTEL_* keys).
        builder.Services.AddShipSecTelemetry(builder.Configuration, "shipsec-localhost");

        var app = builder.Build();
        app.UseProblemResponses();
        app.UseDependencyOutageProblems();
        app.UseRouting();
        app.UseRequestTargetRules();
        var access = app.Services.GetRequiredService<ApiKeyAccess>();
        access.LogStartup();
        app.Use(access.HandleKeyLinkAsync);

        // The dashboard (src/Dashboard, built into wwwroot): its files, and index.html for any other GET
        // that no endpoint matched and that is neither the API nor a SignalR hub. A middleware rather than
        // MapFallbackToFile, whose GET-only catch-all would turn every unmatched POST into a 405.
        app.Use(static (context, next) =>
        {
            var path = context.Request.Path;
            if (context.GetEndpoint() is null && HttpMethods.IsGet(context.Request.Method)
                && !path.StartsWithSegments("/api") && !path.StartsWithSegments("/hubs") && !Path.HasExtension(path.Value))
            {
                context.Request.Path = "/index.html";
            }

            return next(context);
        });
        app.UseStaticFiles();
        app.MapShipSecApi();
        app.MapShipSecRealtimeHub();
        return app;
    }
}
