using Npgsql;
using NpgsqlTypes;

namespace ShipSec.Shared.EventHubs;

/// <summary>The one statement that records an Event Hubs checkpoint, used with the events it covers or on its own.</summary>
internal static class TraceCheckpointSql
{
    // Last writer wins: only a partition's owner writes here, and a stale owner moving it back only
    // causes a redelivery, which the store's id check makes harmless.
    private const string Upsert = """
        INSERT INTO trace_checkpoints (namespace, event_hub, consumer_group, partition_id, event_offset, sequence_number, last_modified)
        VALUES ($1, $2, $3, $4, $5, $6, now())
        ON CONFLICT (namespace, event_hub, consumer_group, partition_id) DO UPDATE SET
            event_offset = EXCLUDED.event_offset,
            sequence_number = EXCLUDED.sequence_number,
            last_modified = EXCLUDED.last_modified
        """;

    public static void Prepare(NpgsqlCommand command, TraceCheckpoint checkpoint)
    {
        command.CommandText = Upsert;
        AddParameters(command.Parameters, checkpoint);
    }

    public static NpgsqlBatchCommand BatchCommand(TraceCheckpoint checkpoint)
    {
        var command = new NpgsqlBatchCommand(Upsert);
        AddParameters(command.Parameters, checkpoint);
        return command;
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, TraceCheckpoint checkpoint)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.FullyQualifiedNamespace });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.EventHubName });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.ConsumerGroup });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.PartitionId });
        parameters.Add(new NpgsqlParameter<string?> { TypedValue = checkpoint.Offset, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint.SequenceNumber });
    }
}
