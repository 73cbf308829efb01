using Azure.Identity;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Processor;
using Microsoft.Extensions.Logging;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.EventHubs;

/// <summary>
/// The Azure collector: reads trace events from every partition of the hub it owns and stores each batch
/// with the batch's checkpoint in one PostgreSQL transaction (<see cref="PostgresPartitionStore.StoreBatchAsync"/>),
/// then has the <see cref="TraceCollector"/> tell its observers. Ownership and checkpoints live in PostgreSQL
/// (<see cref="PostgresPartitionStore"/>); the processor package's Blob checkpoint store is not used.
/// A batch that fails is logged and rethrown: the SDK then restarts the partition from its last
/// checkpoint, and the ids already stored make the redelivery harmless.
/// </summary>
public sealed class TraceEventProcessor : EventProcessor<EventProcessorPartition>
{
    private readonly TraceCollector _collector;
    private readonly PostgresPartitionStore _partitions;
    private readonly ILogger _logger;

    private TraceEventProcessor(
        EventHubsTraceOptions options, TraceCollector collector, PostgresPartitionStore partitions, ILogger logger, EventProcessorOptions processorOptions)
        : base(options.MaximumBatchCount, options.ConsumerGroup, options.ConnectionString!, options.EventHubName, processorOptions)
    {
        (_collector, _partitions, _logger) = (collector, partitions, logger);
    }

    private TraceEventProcessor(
        EventHubsTraceOptions options, TraceCollector collector, PostgresPartitionStore partitions, ILogger logger, EventProcessorOptions processorOptions,
        Azure.Core.TokenCredential credential)
        : base(options.MaximumBatchCount, options.ConsumerGroup, options.FullyQualifiedNamespace!, options.EventHubName, credential, processorOptions)
    {
        (_collector, _partitions, _logger) = (collector, partitions, logger);
    }

    /// <summary>A processor for the configured hub: by connection string when one is set, else by namespace and <c>DefaultAzureCredential</c>.</summary>
    public static TraceEventProcessor Create(
        EventHubsTraceOptions options, TraceCollector collector, PostgresPartitionStore partitions, ILogger<TraceEventProcessor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(collector);
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(logger);

        // A null wait time: the SDK never hands over empty batches, which would have nothing to store.
        var processorOptions = new EventProcessorOptions { MaximumWaitTime = null };
        return string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new TraceEventProcessor(options, collector, partitions, logger, processorOptions, new DefaultAzureCredential())
            : new TraceEventProcessor(options, collector, partitions, logger, processorOptions);
    }

    /// <summary>
    /// Stores one batch read from <paramref name="partitionId"/>: every trace event it carries and the checkpoint
    /// after its last event, in one transaction. Throws when nothing was stored (then nothing was checkpointed either).
    /// </summary>
    internal async Task ProcessBatchAsync(string partitionId, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        var traceEvents = new List<TraceEvent>(events.Count);
        foreach (var data in events)
        {
            try
            {
                traceEvents.AddRange(TraceEventBodies.Read(data.EventBody));
            }
            catch (InvalidDataException exception)
            {
                throw new InvalidDataException(
                    $"Event Hubs event {data.SequenceNumber} of partition {partitionId} does not carry trace events: {exception.Message}", exception);
            }
        }

        var last = events[^1];
        var checkpoint = new TraceCheckpoint(FullyQualifiedNamespace, EventHubName, ConsumerGroup, partitionId, last.OffsetString, last.SequenceNumber);
        var committed = await _partitions.StoreBatchAsync(checkpoint, traceEvents, cancellationToken);
        await _collector.NotifyCommittedAsync(committed, cancellationToken);
    }

    /// <summary>What <see cref="GetCheckpointAsync"/> returns: where processing of <paramref name="partitionId"/> resumes.</summary>
    internal Task<EventProcessorCheckpoint?> ReadCheckpointAsync(string partitionId, CancellationToken cancellationToken)
        => _partitions.GetCheckpointAsync(FullyQualifiedNamespace, EventHubName, ConsumerGroup, partitionId, cancellationToken);

    /// <summary>What <see cref="ClaimOwnershipAsync"/> returns: the claims that succeeded.</summary>
    internal async Task<IEnumerable<EventProcessorPartitionOwnership>> ClaimAsync(
        IEnumerable<EventProcessorPartitionOwnership> desiredOwnership, CancellationToken cancellationToken)
        => await _partitions.ClaimOwnershipAsync(desiredOwnership, cancellationToken);

    /// <summary>What <see cref="ListOwnershipAsync"/> returns.</summary>
    internal async Task<IEnumerable<EventProcessorPartitionOwnership>> ReadOwnershipAsync(CancellationToken cancellationToken)
        => await _partitions.ListOwnershipAsync(FullyQualifiedNamespace, EventHubName, ConsumerGroup, cancellationToken);

    /// <inheritdoc />
    protected override async Task OnProcessingEventBatchAsync(
        IEnumerable<EventData> events, EventProcessorPartition partition, CancellationToken cancellationToken)
    {
        // The SDK does not catch handler exceptions for us; log here, then rethrow so the partition
        // restarts from its last checkpoint rather than skipping a batch that was never stored.
        try
        {
            await ProcessBatchAsync(partition.PartitionId, events as IReadOnlyList<EventData> ?? [.. events], cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            EventHubsLog.BatchFailed(_logger, exception, partition.PartitionId);
            throw;
        }
    }

    /// <inheritdoc />
    protected override Task OnProcessingErrorAsync(
        Exception exception, EventProcessorPartition partition, string operationDescription, CancellationToken cancellationToken)
    {
        try
        {
            EventHubsLog.ProcessorError(_logger, exception, partition?.PartitionId ?? "(none)", operationDescription);
        }
#pragma warning disable CA1031 // The SDK gives handler exceptions nowhere to go: a failing log sink must not end the processor.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task<EventProcessorCheckpoint> GetCheckpointAsync(string partitionId, CancellationToken cancellationToken)
        => (await ReadCheckpointAsync(partitionId, cancellationToken))!;

    /// <inheritdoc />
    protected override async Task<IEnumerable<EventProcessorCheckpoint>> ListCheckpointsAsync(CancellationToken cancellationToken)
        => await _partitions.ListCheckpointsAsync(FullyQualifiedNamespace, EventHubName, ConsumerGroup, cancellationToken);

    /// <inheritdoc />
    protected override Task UpdateCheckpointAsync(string partitionId, CheckpointPosition startingPosition, CancellationToken cancellationToken)
        => _partitions.UpdateCheckpointAsync(
            FullyQualifiedNamespace, EventHubName, ConsumerGroup, partitionId, startingPosition.OffsetString, startingPosition.SequenceNumber, cancellationToken);

    /// <inheritdoc />
    protected override Task<IEnumerable<EventProcessorPartitionOwnership>> ListOwnershipAsync(CancellationToken cancellationToken)
        => ReadOwnershipAsync(cancellationToken);

    /// <inheritdoc />
    protected override Task<IEnumerable<EventProcessorPartitionOwnership>> ClaimOwnershipAsync(
        IEnumerable<EventProcessorPartitionOwnership> desiredOwnership, CancellationToken cancellationToken)
        => ClaimAsync(desiredOwnership, cancellationToken);
}
