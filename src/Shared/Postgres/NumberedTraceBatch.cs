using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// The new events of one append with their sequences (see <see cref="TraceAppendBatch.Number"/>): the rows
/// <see cref="PostgresTraceStore"/> copies into <c>trace_events</c>, and what the counters and summaries
/// become once they are stored.
/// </summary>
internal sealed class NumberedTraceBatch(List<TraceEvent> events, List<string?> payloads, IReadOnlyDictionary<string, long> counters)
{
    private RunSummaryChanges? changes;

    /// <summary>The new events, in batch order, with their sequence.</summary>
    public IReadOnlyList<TraceEvent> Events => events;

    /// <summary>The runs this batch ends <c>completed</c>: the ones whose baseline is recorded with it.</summary>
    public IReadOnlyList<string> CompletedRuns => [.. Changes.Runs.Where(r => r.Status == RunStatus.Completed).Select(r => r.RunId)];

    private RunSummaryChanges Changes => changes ??= RunSummaryChanges.Of(events);

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
    /// What the batch changes in the run and node summaries (<see cref="RunSummaryChanges"/>) as <c>$1 … $12</c> of
    /// <paramref name="sql"/>, or null when it changes none, as most batches do.
    /// </summary>
    public NpgsqlBatchCommand? FoldCommand(string sql)
    {
        var changes = Changes;
        if (changes.IsEmpty)
        {
            return null;
        }

        var nodes = changes.Nodes;
        var runs = changes.Runs;
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(PostgresArrays.Texts([.. nodes.Select(n => n.RunId)]));
        command.Parameters.Add(PostgresArrays.Texts([.. nodes.Select(n => n.NodeId)]));
        command.Parameters.Add(PostgresArrays.Texts([.. nodes.Select(n => WireName.Of(n.Status))]));
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. nodes.Select(n => n.Attempt)] });
        command.Parameters.Add(Timestamps([.. nodes.Select(n => n.StartedAt)]));
        command.Parameters.Add(Timestamps([.. nodes.Select(n => n.CompletedAt)]));
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. nodes.Select(n => n.LastSequence)] });
        command.Parameters.Add(PostgresArrays.Texts([.. runs.Select(r => r.RunId)]));
        command.Parameters.Add(PostgresArrays.Texts([.. runs.Select(r => r.Status is { } status ? WireName.Of(status) : null)]));
        command.Parameters.Add(Timestamps([.. runs.Select(r => r.StartedAt)]));
        command.Parameters.Add(Timestamps([.. runs.Select(r => r.CompletedAt)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>
        {
            TypedValue = [.. runs.Select(r => r.Failure is { } failure ? JsonSerializer.Serialize(failure, ShipSecJson.Options) : null)],
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

    // timestamptz only takes UTC offsets.
    private static NpgsqlParameter<DateTimeOffset?[]> Timestamps(DateTimeOffset?[] values) => new()
    {
        TypedValue = [.. values.Select(v => v?.ToUniversalTime())],
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
    };
}
