using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using ShipSec.Shared.EventHubs;
using ShipSec.Shared.Postgres;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Tests;

/// <summary>The Functions app composes the trace transport that <c>Trace:Transport</c> names when it is built.</summary>
public sealed class TraceTransportCompositionTests
{
    private const string ConnectionString = "Endpoint=sb://shipsec-test.servicebus.windows.net/;SharedAccessKeyName=test;SharedAccessKey=dGVzdA==";

    [Fact]
    public async Task Without_a_transport_setting_the_in_process_transport_is_used()
    {
        using var host = Build([]);
        await using var scope = host.Services.CreateAsyncScope();

        Assert.IsType<InProcessTracePublisher>(scope.ServiceProvider.GetRequiredService<ITracePublisher>());
    }

    [Fact]
    public async Task The_event_hubs_transport_registers_its_publisher_and_consumer()
    {
        using var host = Build(new()
        {
            ["Trace:Transport"] = "EventHubs",
            ["Trace:EventHubs:ConnectionString"] = ConnectionString,
            ["Trace:EventHubs:EventHubName"] = "traces",
        });

        // Constructing the clients does not connect, so this holds without a hub.
        var publisher = Assert.IsType<EventHubsTracePublisher>(host.Services.GetRequiredService<ITracePublisher>());
        var processor = host.Services.GetRequiredService<TraceEventProcessor>();
        Assert.Equal("traces", processor.EventHubName);
        Assert.Equal("$Default", processor.ConsumerGroup);
        await publisher.DisposeAsync();
    }

    [Theory]
    [InlineData(null, "EventHubName")]
    [InlineData("traces", "Trace:EventHubs:ConnectionString or Trace:EventHubs:FullyQualifiedNamespace")]
    public async Task The_event_hubs_transport_without_hub_settings_fails_on_start(string? eventHubName, string named)
    {
        using var host = Build(new() { ["Trace:Transport"] = "EventHubs", ["Trace:EventHubs:EventHubName"] = eventHubName });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(error.Failures);
        Assert.Contains(named, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_transport_is_refused_when_the_app_is_composed()
    {
        var error = Assert.ThrowsAny<Exception>(() => Build(new() { ["Trace:Transport"] = "Kafka" }));

        Assert.Contains("Kafka", error.ToString(), StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddShipSecTraceTransport(builder.Configuration);
        // Never contacted by these tests: they check which transport is wired, not that it collects.
        builder.Services.AddSingleton<ITraceStore>(new UnusedTraceStore());
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create("Host=127.0.0.1;Port=1"));
        builder.Services.AddSingleton<PostgresTraceStore>();
        return builder.Build();
    }

    private sealed class UnusedTraceStore : ITraceStore
    {
        public Task<IReadOnlyList<TraceEvent>> AppendAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public Task<TracePage> ReadAsync(string runId, long afterSequence, int limit, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();
    }
}
