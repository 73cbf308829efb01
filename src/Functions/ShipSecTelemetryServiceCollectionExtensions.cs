using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// OpenTelemetry export of both hosts: the <c>ShipSec.*</c> spans (run start, run, node attempt, trace ingest) and
/// metrics, plus the API's HTTP server spans, exported over OTLP as the standard <c>OTEL_*</c> variables say and/or to
/// Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set. With neither, nothing is registered:
/// spans stay unrecorded (their W3C ids still reach trace events and component processes) and cost next to nothing.
/// </summary>
public static class ShipSecTelemetryServiceCollectionExtensions
{
    /// <summary>The OTLP endpoint variable (the exporter appends <c>/v1/traces</c> and <c>/v1/metrics</c> for <c>http/protobuf</c>).</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Application Insights' connection string (Bicep sets it on the Functions app).</summary>
    public const string ApplicationInsightsKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Every ActivitySource and Meter of this codebase is named under this prefix.</summary>
    public const string SourcePattern = "ShipSec.*";

    private static readonly string[] OtlpEndpointKeys = [OtlpEndpointKey, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    /// <summary>True when <paramref name="configuration"/> names an exporter, so telemetry is registered.</summary>
    public static bool TelemetryExportConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return OtlpEndpointKeys.Any(key => !string.IsNullOrWhiteSpace(configuration[key]))
            || !string.IsNullOrWhiteSpace(configuration[ApplicationInsightsKey]);
    }

    /// <summary>
    /// Registers OpenTelemetry when an exporter is configured. <paramref name="serviceName"/> is the service's name unless
    /// <c>OTEL_SERVICE_NAME</c> says otherwise; <paramref name="configureHost"/> adds what only one host has.
    /// </summary>
    public static IServiceCollection AddShipSecTelemetry(
        this IServiceCollection services, IConfiguration configuration, string serviceName, Action<IOpenTelemetryBuilder>? configureHost = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!TelemetryExportConfigured(configuration))
        {
            return services;
        }

        var applicationInsights = configuration[ApplicationInsightsKey];
        var toApplicationInsights = !string.IsNullOrWhiteSpace(applicationInsights);
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME (read by the SDK's own detector) wins over the host's default name.
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(serviceName);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(SourcePattern)
                    // The API's requests only: the dashboard's files and the SignalR transport would bury them.
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase));
                if (toApplicationInsights)
                {
                    tracing.AddAzureMonitorTraceExporter(options => options.ConnectionString = applicationInsights);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SourcePattern);
                if (toApplicationInsights)
                {
                    metrics.AddAzureMonitorMetricExporter(options => options.ConnectionString = applicationInsights);
                }
            });
        if (OtlpEndpointKeys.Any(key => !string.IsNullOrWhiteSpace(configuration[key])))
        {
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS, _TIMEOUT and the per-signal variants from configuration
            // (environment variables included), as every OpenTelemetry SDK does.
            builder.UseOtlpExporter();
        }

        configureHost?.Invoke(builder);
        return services;
    }
}
