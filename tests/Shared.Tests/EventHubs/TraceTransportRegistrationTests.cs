using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using ShipSec.Shared.EventHubs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.EventHubs;

public sealed class TraceTransportRegistrationTests
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
        Assert.StartsWith("Trace:Transport is EventHubs", failure, StringComparison.Ordinal);
        Assert.Contains(named, failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_transport_fails_on_start()
    {
        using var host = Build(new() { ["Trace:Transport"] = "Kafka" });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Trace:Transport", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transport_configured_after_registration_is_honoured()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        AddTrace(builder.Services);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Trace:Transport"] = "EventHubs",
            ["Trace:EventHubs:FullyQualifiedNamespace"] = "shipsec-test.servicebus.windows.net",
            ["Trace:EventHubs:EventHubName"] = "traces",
            ["Trace:EventHubs:ConsumerGroup"] = "collector",
        });
        using var host = builder.Build();

        await using var publisher = Assert.IsType<EventHubsTracePublisher>(host.Services.GetRequiredService<ITracePublisher>());
        Assert.Equal("collector", host.Services.GetRequiredService<TraceEventProcessor>().ConsumerGroup);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        AddTrace(builder.Services);
        return builder.Build();
    }

    private static void AddTrace(IServiceCollection services)
    {
        services.AddShipSecTrace();
        // Never contacted by these tests: they check which transport is wired, not that it collects.
        services.AddSingleton<ITraceStore>(new UnusedTraceStore());
        services.AddSingleton(_ => NpgsqlDataSource.Create("Host=127.0.0.1;Port=1"));
    }

    private sealed class UnusedTraceStore : ITraceStore
    {
        public Task<IReadOnlyList<TraceEvent>> AppendAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public Task<TracePage> ReadAsync(string runId, long afterSequence, int limit, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();
    }
}
