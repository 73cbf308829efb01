using System.Diagnostics.CodeAnalysis;
using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// The trace in PostgreSQL. An append is one transaction and one round trip before the commit: the batch
/// (repeated ids dropped here, the first copy kept) goes as column arrays into a temporary staging table,
/// then the same batch of statements locks the runs' sequence counters (in run id order, so writers never
/// deadlock), drops ids already stored, numbers the rest gaplessly, inserts them and folds lifecycle events
/// into the run and node summaries. A transport checkpoint, when given, is upserted in that same transaction.
/// </summary>
public sealed class PostgresTraceStore(NpgsqlDataSource dataSource) : ICheckpointingTraceStore
{
    private const string CreateStaging = """
        CREATE TEMP TABLE trace_staging (
            ord      integer     NOT NULL,
            id       text        NOT NULL,
            run_id   text        NOT NULL,
            node_id  text,
            attempt  integer     NOT NULL,
            type     text        NOT NULL,
            level    text        NOT NULL,
            ts       timestamptz NOT NULL,
            message  text,
            payload  jsonb
        ) ON COMMIT DROP
        """;

    // Column arrays rather than a binary COPY: COPY needs round trips of its own (the staging table must
    // exist first, then the copy, then the statements), and on a busy machine each round trip costs more
    // than encoding the arrays, which PostgreSQL unnests as fast as it reads COPY rows.
    private const string FillStaging = """
        INSERT INTO pg_temp.trace_staging (ord, id, run_id, node_id, attempt, type, level, ts, message, payload)
        SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[],
                             $8::timestamptz[], $9::text[], $10::jsonb[])
        """;

    // Inserted in run id order too: a new counter row is a lock its inserter holds until commit.
    private const string EnsureSequences = """
        INSERT INTO run_sequences (run_id)
        SELECT DISTINCT run_id FROM pg_temp.trace_staging ORDER BY run_id
        ON CONFLICT (run_id) DO NOTHING
        """;

    private const string LockSequences = """
        SELECT run_id FROM run_sequences
        WHERE run_id IN (SELECT run_id FROM pg_temp.trace_staging)
        ORDER BY run_id
        FOR UPDATE
        """;

    // Only after the lock: a concurrent append of the same ids to the same run has committed by now.
    // Ids repeated within the batch were dropped before staging.
    private const string DropKnownIds = """
        DELETE FROM pg_temp.trace_staging s
        USING trace_events e
        WHERE e.id = s.id
        """;

    private const string InsertEvents = """
        WITH counts AS (
            SELECT run_id, count(*) AS n FROM pg_temp.trace_staging GROUP BY run_id
        ), bumped AS (
            UPDATE run_sequences r SET last = r.last + c.n
            FROM counts c
            WHERE r.run_id = c.run_id
            RETURNING r.run_id, r.last - c.n AS base
        )
        INSERT INTO trace_events (run_id, sequence, id, node_id, attempt, type, level, ts, message, payload)
        SELECT s.run_id, b.base + row_number() OVER (PARTITION BY s.run_id ORDER BY s.ord),
               s.id, s.node_id, s.attempt, s.type, s.level, s.ts, s.message, s.payload
        FROM pg_temp.trace_staging s
        JOIN bumped b ON b.run_id = s.run_id
        RETURNING id, sequence
        """;

    // New sequences of a run are always above the stored ones (the counter is locked), so within the
    // batch the latest lifecycle event per node wins; the WHERE guards against a stale row all the same.
    private const string UpdateNodes = """
        WITH lifecycle AS (
            SELECT e.run_id, e.node_id, e.sequence, e.type, e.attempt, e.ts,
                   coalesce((e.payload -> 'error' ->> 'willRetry')::boolean, false) AS will_retry
            FROM pg_temp.trace_staging s
            JOIN trace_events e ON e.id = s.id
            WHERE s.node_id IS NOT NULL
              AND s.type IN ('NODE_STARTED', 'NODE_COMPLETED', 'NODE_FAILED', 'NODE_SKIPPED')
        ), latest AS (
            SELECT DISTINCT ON (run_id, node_id) run_id, node_id, sequence, type, attempt, ts, will_retry
            FROM lifecycle
            ORDER BY run_id, node_id, sequence DESC
        ), first_start AS (
            SELECT run_id, node_id, min(ts) AS started_at
            FROM lifecycle
            WHERE type = 'NODE_STARTED'
            GROUP BY run_id, node_id
        )
        INSERT INTO run_nodes AS n (run_id, node_id, status, attempt, started_at, completed_at, last_sequence)
        SELECT l.run_id, l.node_id,
               CASE l.type
                   WHEN 'NODE_STARTED' THEN 'running'
                   WHEN 'NODE_COMPLETED' THEN 'completed'
                   WHEN 'NODE_SKIPPED' THEN 'skipped'
                   WHEN 'NODE_FAILED' THEN CASE WHEN l.will_retry THEN 'retrying' ELSE 'failed' END
               END,
               l.attempt,
               f.started_at,
               CASE WHEN l.type IN ('NODE_COMPLETED', 'NODE_SKIPPED') OR (l.type = 'NODE_FAILED' AND NOT l.will_retry) THEN l.ts END,
               l.sequence
        FROM latest l
        LEFT JOIN first_start f ON f.run_id = l.run_id AND f.node_id = l.node_id
        ORDER BY l.run_id, l.node_id
        ON CONFLICT (run_id, node_id) DO UPDATE SET
            status = EXCLUDED.status,
            attempt = EXCLUDED.attempt,
            started_at = coalesce(n.started_at, EXCLUDED.started_at),
            completed_at = EXCLUDED.completed_at,
            last_sequence = EXCLUDED.last_sequence
        WHERE n.last_sequence < EXCLUDED.last_sequence
        """;

    // Runs without a row (events of an unknown run) simply match nothing here: their events are kept.
    private const string UpdateRuns = """
        WITH changes AS (
            SELECT e.run_id, e.sequence, e.type, e.node_id, e.ts, e.message, e.payload
            FROM pg_temp.trace_staging s
            JOIN trace_events e ON e.id = s.id
            WHERE s.type IN ('NODE_STARTED', 'NODE_COMPLETED', 'NODE_FAILED', 'NODE_SKIPPED', 'WORKFLOW_STATUS')
        ), statuses AS (
            SELECT run_id, sequence, node_id, ts, payload ->> 'status' AS status,
                   coalesce(payload -> 'error' ->> 'message', message, '') AS reason
            FROM changes
            WHERE type = 'WORKFLOW_STATUS' AND payload ->> 'status' IS NOT NULL
        ), latest AS (
            SELECT DISTINCT ON (run_id) run_id, status, node_id, ts, reason
            FROM statuses
            ORDER BY run_id, sequence DESC
        ), first_running AS (
            SELECT run_id, min(ts) AS started_at FROM statuses WHERE status = 'running' GROUP BY run_id
        ), touched AS (
            SELECT DISTINCT run_id FROM changes
        )
        UPDATE runs r SET
            status = coalesce(l.status, r.status),
            started_at = coalesce(r.started_at, f.started_at),
            completed_at = CASE
                WHEN l.status IS NULL THEN r.completed_at
                WHEN l.status IN ('completed', 'failed', 'cancelled') THEN l.ts
            END,
            failure = CASE
                WHEN l.status IS NULL THEN r.failure
                WHEN l.status = 'failed' THEN jsonb_build_object('nodeId', coalesce(l.node_id, ''), 'message', l.reason)
            END,
            updated_at = now()
        FROM touched t
        LEFT JOIN latest l ON l.run_id = t.run_id
        LEFT JOIN first_running f ON f.run_id = t.run_id
        WHERE r.run_id = t.run_id
        """;

    // Dropped at once (not only on commit) so a caller's transaction can append more than once.
    private const string DropStaging = "DROP TABLE pg_temp.trace_staging";

    private const string CountStarts = """
        SELECT count(*)::int FROM trace_events
        WHERE run_id = $1 AND node_id = $2 AND attempt = $3 AND type = 'NODE_STARTED'
        """;


    private const string SelectPage = """
        SELECT id, run_id, node_id, attempt, type, level, ts, sequence, message, payload
        FROM trace_events
        WHERE run_id = $1 AND sequence > $2
        ORDER BY sequence
        LIMIT $3
        """;

    /// <inheritdoc />
    public Task<IReadOnlyList<TraceEvent>> AppendAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default)
        => AppendAsync(events, null, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<TraceEvent>> AppendAsync(
        IReadOnlyList<TraceEvent> events, TraceCheckpoint? checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            if (checkpoint is not null)
            {
                await using var command = dataSource.CreateCommand();
                TraceCheckpointSql.Prepare(command, checkpoint);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var appended = await AppendAsync(transaction, events, cancellationToken);
        if (checkpoint is not null)
        {
            // The checkpoint commits with the events it covers, or neither does.
            await using var upsert = new NpgsqlCommand(null, connection, transaction);
            TraceCheckpointSql.Prepare(upsert, checkpoint);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return appended;
    }

    /// <summary>
    /// Appends within the caller's transaction, so that something else (an Event Hubs checkpoint) commits
    /// or rolls back together with the events; the caller commits. Until then the runs' sequence counters
    /// stay locked, and a rollback returns their numbers. The transaction must be on a connection of a
    /// data source with this store's schema.
    /// </summary>
    /// <returns>The events that will be new once the transaction commits, with their sequence.</returns>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Transports append through the store instance they were given, next to its other members.")]
    public async Task<IReadOnlyList<TraceEvent>> AppendAsync(
        NpgsqlTransaction transaction, IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(events);
        var connection = transaction.Connection ?? throw new ArgumentException("The transaction has already completed.", nameof(transaction));
        if (events.Count == 0)
        {
            return [];
        }

        var staged = Stage(events);
        var sequences = new Dictionary<string, long>(staged.Count, StringComparer.Ordinal);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(CreateStaging));
            batch.BatchCommands.Add(FillStagingCommand(staged));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(EnsureSequences));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockSequences));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(DropKnownIds));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(InsertEvents));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(UpdateNodes));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(UpdateRuns));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(DropStaging));

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            do
            {
                // Only the insert returns (id, sequence); the lock's result set is just run ids.
                if (reader.FieldCount == 2 && reader.GetName(1) == "sequence")
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        sequences.Add(reader.GetString(0), reader.GetInt64(1));
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        var appended = new List<TraceEvent>(sequences.Count);
        foreach (var (traceEvent, _) in staged)
        {
            if (sequences.TryGetValue(traceEvent.Id, out var sequence))
            {
                appended.Add(traceEvent with { Sequence = sequence });
            }
        }

        return appended;
    }

    /// <inheritdoc />
    public async Task<int> CountStartsAsync(string runId, string nodeId, int attempt, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(CountStarts);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempt });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<TracePage> ReadAsync(string runId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfEqual(limit, int.MaxValue);

        await using var command = dataSource.CreateCommand(SelectPage);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Math.Max(afterSequence, 0) });
        // One row beyond the page tells whether more follow.
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });

        var events = new List<TraceEvent>(Math.Min(limit, 1024));
        var hasMore = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (events.Count == limit)
            {
                hasMore = true;
                break;
            }

            events.Add(ReadEvent(reader));
        }

        return new TracePage(events, events.Count > 0 ? events[^1].Sequence : afterSequence, hasMore);
    }

    /// <summary>The events as stored, in batch order, each id once (its first copy).</summary>
    private static List<(TraceEvent Event, string? Payload)> Stage(IReadOnlyList<TraceEvent> events)
    {
        var staged = new List<(TraceEvent Event, string? Payload)>(events.Count);
        var ids = new HashSet<string>(events.Count, StringComparer.Ordinal);
        foreach (var traceEvent in events)
        {
            var stored = TraceEventColumns.ForStorage(traceEvent ?? throw new ArgumentException("The batch holds a null event.", nameof(events)));
            if (ids.Add(stored.Event.Id))
            {
                staged.Add(stored);
            }
        }

        return staged;
    }

    private static NpgsqlBatchCommand FillStagingCommand(List<(TraceEvent Event, string? Payload)> staged)
    {
        var count = staged.Count;
        var ord = new int[count];
        var id = new string[count];
        var runId = new string[count];
        var nodeId = new string?[count];
        var attempt = new int[count];
        var type = new string[count];
        var level = new string[count];
        var ts = new DateTimeOffset[count];
        var message = new string?[count];
        var payload = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var (e, json) = staged[i];
            ord[i] = i;
            id[i] = e.Id;
            runId[i] = e.RunId;
            nodeId[i] = e.NodeId;
            attempt[i] = e.Attempt;
            type[i] = TraceEventColumns.TypeName(e.Type);
            level[i] = TraceEventColumns.LevelName(e.Level);
            // timestamptz only takes UTC offsets.
            ts[i] = e.Timestamp.ToUniversalTime();
            message[i] = e.Message;
            payload[i] = json;
        }

        var command = new NpgsqlBatchCommand(FillStaging);
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = ord });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = id, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = runId, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = nodeId, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = attempt });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = type, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = level, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = ts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = message, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = payload, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        return command;
    }

    /// <summary>Reads a row of <c>id, run_id, node_id, attempt, type, level, ts, sequence, message, payload</c>.</summary>
    internal static TraceEvent ReadEvent(NpgsqlDataReader reader)
    {
        var traceEvent = new TraceEvent
        {
            Id = reader.GetString(0),
            RunId = reader.GetString(1),
            NodeId = reader.IsDBNull(2) ? null : reader.GetString(2),
            Attempt = reader.GetInt32(3),
            Type = TraceEventColumns.ParseType(reader.GetString(4)),
            Level = TraceEventColumns.ParseLevel(reader.GetString(5)),
            Timestamp = reader.GetFieldValue<DateTimeOffset>(6),
            Sequence = reader.GetInt64(7),
            Message = reader.IsDBNull(8) ? null : reader.GetString(8),
        };
        return TraceEventColumns.WithPayload(traceEvent, reader.IsDBNull(9) ? null : reader.GetString(9));
    }
}
