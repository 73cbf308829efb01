using System.Diagnostics.CodeAnalysis;
using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// The trace in PostgreSQL. An append is one transaction and one round trip before the commit: the batch
/// (repeated ids dropped here, the first copy kept) goes as column arrays; the same batch of statements
/// locks the runs' sequence counters (in run id order, so writers never deadlock), leaves out ids already
/// stored, numbers the rest gaplessly, inserts them and folds lifecycle events into the run and node
/// summaries. A transport checkpoint, when given, is upserted in that same transaction.
/// </summary>
public sealed class PostgresTraceStore(NpgsqlDataSource dataSource) : ICheckpointingTraceStore
{
    // Inserted in run id order: a new counter row is a lock its inserter holds until commit.
    private const string EnsureSequences = """
        INSERT INTO run_sequences (run_id)
        SELECT run_id FROM unnest($1::text[]) AS r(run_id) ORDER BY run_id
        ON CONFLICT (run_id) DO NOTHING
        """;

    private const string LockSequences = """
        SELECT run_id FROM run_sequences
        WHERE run_id = ANY($1)
        ORDER BY run_id
        FOR UPDATE
        """;

    // Column arrays rather than a binary COPY into a staging table: COPY needs round trips of its own
    // (the table must exist first, then the copy, then the statements), and a staging table is catalog
    // work per append besides; PostgreSQL unnests the arrays about as fast as it reads COPY rows.
    //
    // rank is an event's 1-based place among its run's events in the batch, so its sequence is the run's
    // counter plus its rank: no sort or window. The append first runs with $11 = false, assuming every id
    // is new (the usual case): then known is empty at no cost, and the id index checks uniqueness once,
    // on insert, as it would for COPY. A unique violation means part of the batch was delivered before;
    // the append is rolled back to its savepoint and runs again with $11 = true: known then holds the ids
    // already stored (a separate statement after the lock, so every earlier append of these runs has
    // committed and is visible), they are left out, and each shifts the ranks after it down by one.
    // Probing on every append instead cost as much again as the insert when the planner, misled by a
    // young table's statistics, filtered a sequential scan of trace_events by the whole id array.
    private const string InsertEventsHead = """
        WITH input AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[],
                                 $7::timestamptz[], $8::text[], $9::jsonb[], $10::integer[])
                AS i(id, run_id, node_id, attempt, type, level, ts, message, payload, rank)
        ), known AS (
            SELECT i.id, i.run_id, i.rank FROM input i
            WHERE $11::boolean AND EXISTS (SELECT 1 FROM trace_events e WHERE e.id = i.id)
        ), counts AS (
            SELECT i.run_id, count(*) - (SELECT count(*) FROM known k WHERE k.run_id = i.run_id) AS n
            FROM input i
            GROUP BY i.run_id
        ), bumped AS (
            UPDATE run_sequences r SET last = r.last + c.n
            FROM counts c
            WHERE r.run_id = c.run_id
            RETURNING r.run_id, r.last - c.n AS base
        ), inserted AS (
            INSERT INTO trace_events (run_id, sequence, id, node_id, attempt, type, level, ts, message, payload)
            SELECT i.run_id,
                   b.base + i.rank - CASE WHEN NOT $11::boolean THEN 0
                       ELSE (SELECT count(*) FROM known k WHERE k.run_id = i.run_id AND k.rank < i.rank) END,
                   i.id, i.node_id, i.attempt, i.type, i.level, i.ts, i.message, i.payload
            FROM input i
            JOIN bumped b ON b.run_id = i.run_id
            WHERE NOT $11::boolean OR NOT EXISTS (SELECT 1 FROM known k WHERE k.id = i.id)
        """;

    // The base of each run's new numbers, and the ids that were already stored.
    private const string InsertEventsTail = """

        )
        SELECT run_id, base, NULL::text AS known_id FROM bumped
        UNION ALL
        SELECT run_id, NULL, id FROM known
        """;

    // Only for batches that hold lifecycle events (most hold log lines alone): the new rows fold into the
    // run and node summaries in the same statement. New sequences of a run are always above the stored
    // ones (the counter is locked), so within the batch the latest lifecycle event per node wins; the WHERE
    // guards against a stale row all the same. Runs without a row (events of an unknown run) match nothing.
    private const string FoldSummaries = """

            RETURNING run_id, node_id, sequence, type, attempt, ts, message, payload
        ), lifecycle AS (
            SELECT run_id, node_id, sequence, type, attempt, ts,
                   coalesce((payload -> 'error' ->> 'willRetry')::boolean, false) AS will_retry
            FROM inserted
            WHERE node_id IS NOT NULL
              AND type IN ('NODE_STARTED', 'NODE_COMPLETED', 'NODE_FAILED', 'NODE_SKIPPED')
        ), latest_node AS (
            SELECT DISTINCT ON (run_id, node_id) run_id, node_id, sequence, type, attempt, ts, will_retry
            FROM lifecycle
            ORDER BY run_id, node_id, sequence DESC
        ), first_start AS (
            SELECT run_id, node_id, min(ts) AS started_at
            FROM lifecycle
            WHERE type = 'NODE_STARTED'
            GROUP BY run_id, node_id
        ), nodes AS (
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
            FROM latest_node l
            LEFT JOIN first_start f ON f.run_id = l.run_id AND f.node_id = l.node_id
            ORDER BY l.run_id, l.node_id
            ON CONFLICT (run_id, node_id) DO UPDATE SET
                status = EXCLUDED.status,
                attempt = EXCLUDED.attempt,
                started_at = coalesce(n.started_at, EXCLUDED.started_at),
                completed_at = EXCLUDED.completed_at,
                last_sequence = EXCLUDED.last_sequence
            WHERE n.last_sequence < EXCLUDED.last_sequence
        ), statuses AS (
            SELECT run_id, sequence, node_id, ts, payload ->> 'status' AS status,
                   coalesce(payload -> 'error' ->> 'message', message, '') AS reason
            FROM inserted
            WHERE type = 'WORKFLOW_STATUS' AND payload ->> 'status' IS NOT NULL
        ), latest_status AS (
            SELECT DISTINCT ON (run_id) run_id, status, node_id, ts, reason
            FROM statuses
            ORDER BY run_id, sequence DESC
        ), first_running AS (
            SELECT run_id, min(ts) AS started_at FROM statuses WHERE status = 'running' GROUP BY run_id
        ), touched AS (
            SELECT DISTINCT run_id FROM inserted
            WHERE type IN ('NODE_STARTED', 'NODE_COMPLETED', 'NODE_FAILED', 'NODE_SKIPPED', 'WORKFLOW_STATUS')
        ), run_summaries AS (
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
            LEFT JOIN latest_status l ON l.run_id = t.run_id
            LEFT JOIN first_running f ON f.run_id = t.run_id
            WHERE r.run_id = t.run_id
        """;

    private const string InsertEvents = InsertEventsHead + InsertEventsTail;

    // Named by PostgreSQL for the UNIQUE (id) of 0001_initial.sql.
    private const string IdConstraint = "trace_events_id_key";

    // Taken before each append, so a retry (or a failure) leaves a caller's transaction usable.
    private const string Savepoint = "trace_append";

    private const string InsertEventsAndFoldSummaries = InsertEventsHead + FoldSummaries + InsertEventsTail;

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

        var batch = TraceAppendBatch.Of(events);
        try
        {
            return await AppendOnceAsync(connection, transaction, batch, withKnownIds: false, cancellationToken);
        }
        catch (PostgresException exception) when (exception is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: IdConstraint })
        {
            await using (var rollback = new NpgsqlCommand($"ROLLBACK TO SAVEPOINT {Savepoint}", connection, transaction))
            {
                await rollback.ExecuteNonQueryAsync(cancellationToken);
            }

            return await AppendOnceAsync(connection, transaction, batch, withKnownIds: true, cancellationToken);
        }
    }

    private static async Task<IReadOnlyList<TraceEvent>> AppendOnceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TraceAppendBatch batch, bool withKnownIds, CancellationToken cancellationToken)
    {
        var bases = new Dictionary<string, long>(batch.Runs.Length, StringComparer.Ordinal);
        HashSet<string>? known = null;
        await using (var command = new NpgsqlBatch(connection, transaction))
        {
            if (!withKnownIds)
            {
                command.BatchCommands.Add(new NpgsqlBatchCommand($"SAVEPOINT {Savepoint}"));
            }

            command.BatchCommands.Add(RunsCommand(EnsureSequences, batch.Runs));
            command.BatchCommands.Add(RunsCommand(LockSequences, batch.Runs));
            command.BatchCommands.Add(batch.InsertCommand(batch.HasLifecycle ? InsertEventsAndFoldSummaries : InsertEvents, withKnownIds));
            command.BatchCommands.Add(new NpgsqlBatchCommand($"RELEASE SAVEPOINT {Savepoint}"));

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            do
            {
                // Only the insert returns (run_id, base, known_id); the lock's result set is just run ids.
                if (reader.FieldCount != 3)
                {
                    continue;
                }

                while (await reader.ReadAsync(cancellationToken))
                {
                    if (reader.IsDBNull(2))
                    {
                        bases.Add(reader.GetString(0), reader.GetInt64(1));
                    }
                    else
                    {
                        (known ??= new HashSet<string>(StringComparer.Ordinal)).Add(reader.GetString(2));
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        return batch.Numbered(bases, known);
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

    private static NpgsqlBatchCommand RunsCommand(string sql, string[] runs)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = runs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
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
