using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// The new events of one append with their sequences (see <see cref="TraceAppendBatch.Number"/>): the rows
/// <see cref="PostgresTraceStore"/> copies into <c>trace_events</c>, and what the counters and summaries
/// become once they are stored.
/// </summary>
internal sealed class NumberedTraceBatch(List<TraceEvent> events, List<string?> payloads, IReadOnlyDictionary<string, long> counters)
{
    /// <summary>The new events, in batch order, with their sequence.</summary>
    public IReadOnlyList<TraceEvent> Events => events;

    /// <summary>Writes every event as a row of <see cref="TraceEventColumns.Copy"/>.</summary>
    public async Task WriteAsync(NpgsqlBinaryImporter importer, CancellationToken cancellationToken)
    {
        for (var i = 0; i < events.Count; i++)
        {
            await TraceEventColumns.WriteRowAsync(importer, events[i], payloads[i], cancellationToken);
        }
    }

    /// <summary>Sets each run's counter to its last new sequence: <c>$1 run_id[], $2 last[]</c>.</summary>
    public NpgsqlBatchCommand AdvanceCommand(string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(PostgresArrays.Texts([.. counters.Keys]));
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. counters.Values] });
        return command;
    }

    /// <summary>
    /// The lifecycle events (those that change a node's or the run's summary) as <c>$1 run_id[] … $8 payload[]</c>
    /// for <paramref name="sql"/>, or null when the batch has none, as most do.
    /// </summary>
    public NpgsqlBatchCommand? FoldCommand(string sql)
    {
        var lifecycle = new List<int>();
        for (var i = 0; i < events.Count; i++)
        {
            if (TraceEventTypes.ChangesState(events[i].Type))
            {
                lifecycle.Add(i);
            }
        }

        if (lifecycle.Count == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(PostgresArrays.Texts([.. lifecycle.Select(i => events[i].RunId)]));
        command.Parameters.Add(PostgresArrays.Texts([.. lifecycle.Select(i => events[i].NodeId)]));
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. lifecycle.Select(i => events[i].Sequence)] });
        command.Parameters.Add(PostgresArrays.Texts([.. lifecycle.Select(i => TraceEventColumns.TypeName(events[i].Type))]));
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. lifecycle.Select(i => events[i].Attempt)] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>
        {
            TypedValue = [.. lifecycle.Select(i => events[i].Timestamp.ToUniversalTime())],
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
        });
        command.Parameters.Add(PostgresArrays.Texts([.. lifecycle.Select(i => events[i].Message)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>
        {
            TypedValue = [.. lifecycle.Select(i => payloads[i])],
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        return command;
    }

    /// <summary>
    /// The NODE_FINDING events as <c>$1 run_id[], $2 sequence[], $3 node_id[], $4 attempt[], $5 ts[], $6 payload[]</c>
    /// for <paramref name="sql"/>, or null when the batch has none.
    /// </summary>
    public NpgsqlBatchCommand? FindingsCommand(string sql)
    {
        var findings = new List<int>();
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is { Type: TraceEventType.NodeFinding, Finding: not null, NodeId: not null })
            {
                findings.Add(i);
            }
        }

        if (findings.Count == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(PostgresArrays.Texts([.. findings.Select(i => events[i].RunId)]));
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. findings.Select(i => events[i].Sequence)] });
        command.Parameters.Add(PostgresArrays.Texts([.. findings.Select(i => events[i].NodeId)]));
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. findings.Select(i => events[i].Attempt)] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>
        {
            TypedValue = [.. findings.Select(i => events[i].Timestamp.ToUniversalTime())],
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
        });
        command.Parameters.Add(new NpgsqlParameter<string?[]>
        {
            TypedValue = [.. findings.Select(i => payloads[i])],
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        return command;
    }
}
