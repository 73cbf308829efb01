namespace ShipSec.Shared.EventHubs;

/// <summary>
/// Where a partitioned transport (Event Hubs) resumes reading: after the event at <paramref name="Offset"/> /
/// <paramref name="SequenceNumber"/> of one partition of one hub for one consumer group. Written by
/// <see cref="PostgresPartitionStore"/> in the same transaction as the events it covers.
/// </summary>
/// <param name="FullyQualifiedNamespace">The Event Hubs namespace, such as <c>contoso.servicebus.windows.net</c>.</param>
/// <param name="EventHubName">The event hub.</param>
/// <param name="ConsumerGroup">The consumer group reading it.</param>
/// <param name="PartitionId">The partition.</param>
/// <param name="Offset">The offset of the last event covered, when the service gave one.</param>
/// <param name="SequenceNumber">The sequence number of the last event covered.</param>
public sealed record TraceCheckpoint(
    string FullyQualifiedNamespace, string EventHubName, string ConsumerGroup, string PartitionId, string? Offset, long SequenceNumber);
