using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ShipSec.Functions.Tests;

/// <summary>Both hosts export telemetry exactly when an OTLP endpoint or an Application Insights connection string is configured.</summary>
public sealed class TelemetryRegistrationTests
{
    [Fact]
    public void Nothing_is_exported_without_an_endpoint_or_a_connection_string()
    {
        using var services = Build(new Dictionary<string, string?> { ["OTEL_SERVICE_NAME"] = "named-but-not-exported", ["OTEL_EXPORTER_OTLP_ENDPOINT"] = " " });

        Assert.Null(services.GetService<TracerProvider>());
        Assert.Null(services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/v1/traces")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/")]
    public void An_endpoint_or_a_connection_string_turns_tracing_and_metrics_on(string key, string value)
    {
        using var services = Build(new Dictionary<string, string?> { [key] = value });

        Assert.NotNull(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<MeterProvider>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddShipSecTelemetry(configuration, "shipsec-test");
        return services.BuildServiceProvider();
    }
}
