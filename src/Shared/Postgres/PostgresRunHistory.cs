using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Postgres;

/// <summary>Seeks in the trace by the (run_id, sequence) key and the (run_id, ts, sequence) index; snapshots in <c>trace_snapshots</c>.</summary>
public sealed class PostgresRunHistory(NpgsqlDataSource dataSource) : IRunHistory
{
    private const string SelectLast = "SELECT coalesce(max(sequence), 0) FROM trace_events WHERE run_id = $1";

    private const string SelectAt = """
        SELECT sequence FROM trace_events
        WHERE run_id = $1 AND ts <= $2
        ORDER BY ts DESC, sequence DESC
        LIMIT 1
        """;

    private const string SelectSnapshot = """
        SELECT state FROM trace_snapshots
        WHERE run_id = $1 AND sequence <= $2
        ORDER BY sequence DESC
        LIMIT 1
        """;

    private const string InsertSnapshots = """
        INSERT INTO trace_snapshots (run_id, sequence, state)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[])
        ON CONFLICT (run_id, sequence) DO NOTHING
        """;

    private const string SelectRange = """
        SELECT id, run_id, node_id, attempt, type, level, ts, sequence, message, payload, trace_id, span_id
        FROM trace_events
        WHERE run_id = $1 AND sequence > $2 AND sequence <= $3
        ORDER BY sequence
        """;

    private const string SelectTimeline = """
        SELECT run_id, status, created_at, started_at, completed_at, workflow_version
        FROM runs
        WHERE workflow_id = $1
          AND ($2::timestamptz IS NULL OR created_at >= $2)
          AND ($3::timestamptz IS NULL OR created_at <= $3)
        ORDER BY created_at, run_id
        LIMIT $4
        """;

    /// <inheritdoc />
    public async Task<long> LastSequenceAsync(string runId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectLast);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<long> SequenceAtAsync(string runId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectAt);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at.ToUniversalTime() });
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : 0;
    }

    /// <inheritdoc />
    public async Task<RunState?> SnapshotAsync(string runId, long atOrBefore, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectSnapshot);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = atOrBefore });
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? JsonSerializer.Deserialize<RunState>(json, ShipSecJson.Options)
            : null;
    }

    /// <inheritdoc />
    public async Task SaveSnapshotsAsync(IReadOnlyList<RunState> snapshots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        if (snapshots.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(InsertSnapshots);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. snapshots.Select(s => s.RunId)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. snapshots.Select(s => s.Sequence)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>
        {
            TypedValue = [.. snapshots.Select(s => PostgresText.StripJson(JsonSerializer.Serialize(s, ShipSecJson.Options)))],
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Trace.TraceEvent> ReadAsync(
        string runId, long after, long upTo, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (upTo <= after)
        {
            yield break;
        }

        await using var command = dataSource.CreateCommand(SelectRange);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return PostgresTraceStore.ReadEvent(reader);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TimelineRun>> TimelineAsync(
        string workflowId, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectTimeline);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workflowId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = from?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = to?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var runs = new List<TimelineRun>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var createdAt = reader.GetFieldValue<DateTimeOffset>(2);
            DateTimeOffset? startedAt = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3);
            DateTimeOffset? completedAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
            runs.Add(new TimelineRun
            {
                RunId = reader.GetString(0),
                Status = WireName.Parse<RunStatus>(reader.GetString(1)),
                CreatedAt = createdAt,
                StartedAt = startedAt,
                CompletedAt = completedAt,
                DurationMs = completedAt is { } end ? (long)(end - (startedAt ?? createdAt)).TotalMilliseconds : null,
                WorkflowVersion = reader.GetInt32(5),
            });
        }

        return runs;
    }
}
