using System.ComponentModel.DataAnnotations;
using Azure.Identity;
using Azure.Messaging.EventHubs.Producer;

namespace ShipSec.Shared.EventHubs;

/// <summary>
/// The event hub carrying trace events when <c>Trace:Transport</c> is <c>EventHubs</c>. Bound from
/// <c>Trace:EventHubs</c>; authenticate with <see cref="ConnectionString"/>, or with <see cref="FullyQualifiedNamespace"/>
/// and <c>DefaultAzureCredential</c> (managed identity).
/// </summary>
public sealed class EventHubsTraceOptions : IValidatableObject
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Trace:EventHubs";

    /// <summary>A namespace-level (or hub-level) Event Hubs connection string with a shared access key.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The namespace host, such as <c>contoso.servicebus.windows.net</c>, used with <c>DefaultAzureCredential</c>.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The event hub's name.</summary>
    [Required]
    public string EventHubName { get; set; } = "";

    /// <summary>The consumer group the collector reads with.</summary>
    [Required]
    public string ConsumerGroup { get; set; } = "$Default";

    /// <summary>Most Event Hubs events handed to the collector in one batch (one PostgreSQL transaction).</summary>
    [Range(1, 10_000)]
    public int MaximumBatchCount { get; set; } = 256;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(FullyQualifiedNamespace))
        {
            yield return new ValidationResult(
                $"Set {SectionName}:ConnectionString or {SectionName}:FullyQualifiedNamespace.",
                [nameof(ConnectionString), nameof(FullyQualifiedNamespace)]);
        }
    }

    /// <summary>A producer on the configured hub; the caller disposes it.</summary>
    internal EventHubProducerClient CreateProducer() => string.IsNullOrWhiteSpace(ConnectionString)
        ? new EventHubProducerClient(FullyQualifiedNamespace, EventHubName, new DefaultAzureCredential())
        : new EventHubProducerClient(ConnectionString, EventHubName);
}
