using System.Diagnostics;
using System.Globalization;
using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Npgsql;
using ShipSec.Shared.Postgres;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.EventHubs;

/// <summary>
/// Partition ownership and checkpoints of the <see cref="TraceEventProcessor"/> in PostgreSQL (tables of
/// migration 0002). A claim is a conditional write on the row's version, so of two processors claiming
/// the same partition at the version they both saw, exactly one succeeds. A batch's checkpoint is written
/// in the transaction that appends the batch's events (<see cref="StoreBatchAsync"/>), so either both are
/// committed or neither is.
/// </summary>
public sealed class PostgresPartitionStore(NpgsqlDataSource dataSource, PostgresTraceStore traceStore)
{
    private const string SelectOwnership = """
        SELECT partition_id, owner_id, version, last_modified
        FROM trace_partition_ownership
        WHERE namespace = $1 AND event_hub = $2 AND consumer_group = $3
        """;

    private const string InsertOwnership = """
        INSERT INTO trace_partition_ownership (namespace, event_hub, consumer_group, partition_id, owner_id, version, last_modified)
        VALUES ($1, $2, $3, $4, $5, 1, now())
        ON CONFLICT (namespace, event_hub, consumer_group, partition_id) DO NOTHING
        RETURNING version, last_modified
        """;

    private const string UpdateOwnership = """
        UPDATE trace_partition_ownership
        SET owner_id = $5, version = version + 1, last_modified = now()
        WHERE namespace = $1 AND event_hub = $2 AND consumer_group = $3 AND partition_id = $4 AND version = $6
        RETURNING version, last_modified
        """;

    private const string SelectCheckpoint = """
        SELECT event_offset, sequence_number, last_modified
        FROM trace_checkpoints
        WHERE namespace = $1 AND event_hub = $2 AND consumer_group = $3 AND partition_id = $4
        """;

    private const string SelectCheckpoints = """
        SELECT partition_id, event_offset, sequence_number, last_modified
        FROM trace_checkpoints
        WHERE namespace = $1 AND event_hub = $2 AND consumer_group = $3
        """;

    /// <summary>Every ownership record of the hub and consumer group.</summary>
    public async Task<IReadOnlyList<EventProcessorPartitionOwnership>> ListOwnershipAsync(
        string fullyQualifiedNamespace, string eventHubName, string consumerGroup, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectOwnership);
        AddKey(command.Parameters, fullyQualifiedNamespace, eventHubName, consumerGroup, partitionId: null);
        var owned = new List<EventProcessorPartitionOwnership>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            owned.Add(new EventProcessorPartitionOwnership
            {
                FullyQualifiedNamespace = fullyQualifiedNamespace,
                EventHubName = eventHubName,
                ConsumerGroup = consumerGroup,
                PartitionId = reader.GetString(0),
                OwnerIdentifier = reader.GetString(1),
                Version = reader.GetInt64(2).ToString(CultureInfo.InvariantCulture),
                LastModifiedTime = reader.GetFieldValue<DateTimeOffset>(3),
            });
        }

        return owned;
    }

    /// <summary>
    /// Tries each claim: a claim without a version creates the row if nobody has; a claim with a version
    /// takes the row only if it is still at that version. Returns only the claims that succeeded, with
    /// their new version and time.
    /// </summary>
    public async Task<IReadOnlyList<EventProcessorPartitionOwnership>> ClaimOwnershipAsync(
        IEnumerable<EventProcessorPartitionOwnership> desiredOwnership, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(desiredOwnership);
        var desired = desiredOwnership.ToArray();
        if (desired.Length == 0)
        {
            return [];
        }

        await using var batch = dataSource.CreateBatch();
        foreach (var claim in desired)
        {
            var hasVersion = long.TryParse(claim.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var version);
            var command = new NpgsqlBatchCommand(hasVersion ? UpdateOwnership : InsertOwnership);
            AddKey(command.Parameters, claim.FullyQualifiedNamespace, claim.EventHubName, claim.ConsumerGroup, claim.PartitionId);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = claim.OwnerIdentifier ?? "" });
            if (hasVersion)
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
            }

            batch.BatchCommands.Add(command);
        }

        var claimed = new List<EventProcessorPartitionOwnership>(desired.Length);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var index = 0;
        do
        {
            var claim = desired[index++];
            if (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new EventProcessorPartitionOwnership
                {
                    FullyQualifiedNamespace = claim.FullyQualifiedNamespace,
                    EventHubName = claim.EventHubName,
                    ConsumerGroup = claim.ConsumerGroup,
                    PartitionId = claim.PartitionId,
                    OwnerIdentifier = claim.OwnerIdentifier,
                    Version = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture),
                    LastModifiedTime = reader.GetFieldValue<DateTimeOffset>(1),
                });
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        return claimed;
    }

    /// <summary>The checkpoint of one partition, or null when it has none (processing starts at the processor's default position).</summary>
    public async Task<EventProcessorCheckpoint?> GetCheckpointAsync(
        string fullyQualifiedNamespace, string eventHubName, string consumerGroup, string partitionId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectCheckpoint);
        AddKey(command.Parameters, fullyQualifiedNamespace, eventHubName, consumerGroup, partitionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? ReadCheckpoint(reader, fullyQualifiedNamespace, eventHubName, consumerGroup, partitionId, first: 0)
            : null;
    }

    /// <summary>The checkpoints of every partition of the hub and consumer group.</summary>
    public async Task<IReadOnlyList<EventProcessorCheckpoint>> ListCheckpointsAsync(
        string fullyQualifiedNamespace, string eventHubName, string consumerGroup, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectCheckpoints);
        AddKey(command.Parameters, fullyQualifiedNamespace, eventHubName, consumerGroup, partitionId: null);
        var checkpoints = new List<EventProcessorCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(ReadCheckpoint(reader, fullyQualifiedNamespace, eventHubName, consumerGroup, reader.GetString(0), first: 1));
        }

        return checkpoints;
    }

    /// <summary>
    /// Appends <paramref name="events"/> and records <paramref name="checkpoint"/> in one transaction (the checkpoint
    /// also when every event was already stored, so a redelivery resumes after it).
    /// </summary>
    /// <returns>The events that were new, with their sequence, once committed.</returns>
    public async Task<IReadOnlyList<TraceEvent>> StoreBatchAsync(
        TraceCheckpoint checkpoint, IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(events);
        var started = Stopwatch.GetTimestamp();
        using var span = TraceIngestTelemetry.StartIngest(TraceIngestTelemetry.EventHubsTransport, events);
        span?.SetTag("messaging.destination.partition.id", checkpoint.PartitionId);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var committed = await traceStore.AppendAsync(transaction, events, cancellationToken);
            await using (var command = new NpgsqlCommand(null, connection, transaction))
            {
                TraceCheckpointSql.Prepare(command, checkpoint);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            TraceIngestTelemetry.Ingested(span, TraceIngestTelemetry.EventHubsTransport, events, committed.Count, started);
            return committed;
        }
        catch (Exception exception) when (TraceIngestTelemetry.Failed(span, exception))
        {
            throw;
        }
    }

    /// <summary>Records a checkpoint on its own (batches record theirs with their events instead).</summary>
    public async Task UpdateCheckpointAsync(
        string fullyQualifiedNamespace, string eventHubName, string consumerGroup, string partitionId, string? offset, long sequenceNumber,
        CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand();
        TraceCheckpointSql.Prepare(command, new TraceCheckpoint(fullyQualifiedNamespace, eventHubName, consumerGroup, partitionId, offset, sequenceNumber));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static EventProcessorCheckpoint ReadCheckpoint(
        NpgsqlDataReader reader, string fullyQualifiedNamespace, string eventHubName, string consumerGroup, string partitionId, int first)
    {
        var offset = reader.IsDBNull(first) ? null : reader.GetString(first);
        var sequenceNumber = reader.GetInt64(first + 1);
        return new EventProcessorCheckpoint
        {
            FullyQualifiedNamespace = fullyQualifiedNamespace,
            EventHubName = eventHubName,
            ConsumerGroup = consumerGroup,
            PartitionId = partitionId,
            // Exclusive: the checkpointed event is done, reading resumes with the next one. The offset is the
            // service's own position (and the only valid one on a geo-replicated hub), so it is preferred.
            StartingPosition = offset is null
                ? EventPosition.FromSequenceNumber(sequenceNumber, isInclusive: false)
                : EventPosition.FromOffset(offset, isInclusive: false),
            LastModified = reader.GetFieldValue<DateTimeOffset>(first + 2),
        };
    }

    private static void AddKey(NpgsqlParameterCollection parameters, string fullyQualifiedNamespace, string eventHubName, string consumerGroup, string? partitionId)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = fullyQualifiedNamespace });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = eventHubName });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = consumerGroup });
        if (partitionId is not null)
        {
            parameters.Add(new NpgsqlParameter<string> { TypedValue = partitionId });
        }
    }
}
