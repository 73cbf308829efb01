using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipSec.Shared.EventHubs;
using ShipSec.Shared.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the trace collector and the trace transports.</summary>
public static class TraceServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="TraceCollector"/>, the core every trace transport calls. Needs an <see cref="ITraceStore"/>;
    /// register <see cref="ITraceObserver"/>s to hear of committed events.
    /// </summary>
    public static IServiceCollection AddShipSecTraceCollector(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<TraceCollector>();
        return services;
    }

    /// <summary>
    /// Adds the <see cref="TraceCollector"/>, the <see cref="InProcessTracePublisher"/> as <see cref="ITracePublisher"/>,
    /// and the hosted <see cref="InProcessTraceConsumer"/>. Needs an <see cref="ITraceStore"/> (see <c>AddShipSecPostgres</c>);
    /// register <see cref="ITraceObserver"/>s to hear of committed events.
    /// </summary>
    public static IServiceCollection AddShipSecInProcessTrace(this IServiceCollection services)
    {
        services.AddShipSecTraceCollector();
        services.TryAddSingleton<InProcessTracePublisher>();
        services.TryAddSingleton<ITracePublisher>(provider => provider.GetRequiredService<InProcessTracePublisher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InProcessTraceConsumer>());
        return services;
    }

    /// <summary>
    /// Adds the trace transport named by <c>Trace:Transport</c> (<see cref="TraceTransportOptions"/>): <c>InProcess</c>
    /// (default; the in-memory channel of <see cref="AddShipSecInProcessTrace"/>)
    /// or <c>EventHubs</c> (<see cref="EventHubsTracePublisher"/> and <see cref="EventHubsTraceConsumer"/>, settings in
    /// <c>Trace:EventHubs</c>, ownership and checkpoints in PostgreSQL). Both are registered and one is chosen when the
    /// host starts, because the builders register <c>IConfiguration</c> as a factory that cannot be read here; the
    /// choice and the chosen transport's settings are validated on start. Needs <c>AddShipSecPostgres</c>.
    /// </summary>
    public static IServiceCollection AddShipSecTrace(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TraceTransportOptions>()
            .BindConfiguration(TraceTransportOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TraceTransportOptions>, EventHubsSettingsValidator>());

        // Validated when the Event Hubs transport is chosen (above), not otherwise: a local host has no hub.
        services.AddOptions<EventHubsTraceOptions>()
            .BindConfiguration(EventHubsTraceOptions.SectionName)
            .ValidateDataAnnotations();

        services.TryAddSingleton<TraceCollector>();
        services.TryAddSingleton<InProcessTracePublisher>();
        services.TryAddSingleton<InProcessTraceConsumer>();
        services.TryAddSingleton<EventHubsTracePublisher>();
        services.TryAddSingleton<PostgresPartitionStore>();
        services.TryAddSingleton(provider => TraceEventProcessor.Create(
            provider.GetRequiredService<IOptions<EventHubsTraceOptions>>().Value,
            provider.GetRequiredService<TraceCollector>(),
            provider.GetRequiredService<PostgresPartitionStore>(),
            provider.GetRequiredService<ILogger<TraceEventProcessor>>()));
        services.TryAddSingleton<EventHubsTraceConsumer>();
        services.TryAddSingleton<TraceConsumerStatus>();

        services.TryAddSingleton<ITracePublisher>(provider => Chosen(provider) == TraceTransport.EventHubs
            ? provider.GetRequiredService<EventHubsTracePublisher>()
            : provider.GetRequiredService<InProcessTracePublisher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TraceTransportService>());
        return services;
    }

    private static TraceTransport Chosen(IServiceProvider provider)
        => provider.GetRequiredService<IOptions<TraceTransportOptions>>().Value.Transport;

    /// <summary>Runs the consumer of the chosen transport.</summary>
    private sealed class TraceTransportService(IServiceProvider provider) : IHostedService
    {
        private IHostedService? _consumer;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _consumer = Chosen(provider) == TraceTransport.EventHubs
                ? provider.GetRequiredService<EventHubsTraceConsumer>()
                : provider.GetRequiredService<InProcessTraceConsumer>();
            return _consumer.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => _consumer?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }

    /// <summary>When Event Hubs is chosen, its settings must be complete.</summary>
    private sealed class EventHubsSettingsValidator(IOptions<EventHubsTraceOptions> eventHubs) : IValidateOptions<TraceTransportOptions>
    {
        public ValidateOptionsResult Validate(string? name, TraceTransportOptions options)
        {
            if (options.Transport != TraceTransport.EventHubs)
            {
                return ValidateOptionsResult.Success;
            }

            try
            {
                _ = eventHubs.Value;
                return ValidateOptionsResult.Success;
            }
            catch (OptionsValidationException exception)
            {
                return ValidateOptionsResult.Fail(exception.Failures.Select(failure => $"Trace:Transport is EventHubs: {failure}"));
            }
        }
    }
}
