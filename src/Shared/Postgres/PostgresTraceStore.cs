using System.Diagnostics.CodeAnalysis;
using Npgsql;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// The trace in PostgreSQL. An append is one transaction of three steps: lock the runs' sequence counters
/// (in run id order, so writers never deadlock) and read them; binary COPY the events straight into
/// <c>trace_events</c>, numbered gaplessly from the counters on this side; then advance the counters and
/// fold lifecycle events into the run and node summaries. Ids already stored are left out (see
/// <see cref="AppendAsync(NpgsqlTransaction, IReadOnlyList{TraceEvent}, CancellationToken)"/>, which a transport
/// uses to commit its own position with the events).
/// </summary>
public sealed class PostgresTraceStore(NpgsqlDataSource dataSource) : ITraceStore
{
    // Inserted in run id order: a new counter row is a lock its inserter holds until commit.
    private const string EnsureSequences = """
        INSERT INTO run_sequences (run_id)
        SELECT run_id FROM unnest($1::text[]) AS r(run_id) ORDER BY run_id
        ON CONFLICT (run_id) DO NOTHING
        """;

    private const string LockSequences = """
        SELECT run_id, last FROM run_sequences
        WHERE run_id = ANY($1)
        ORDER BY run_id
        FOR UPDATE
        """;

    // After the lock, so every earlier append of these runs has committed and is visible. LATERAL makes it
    // one probe of the id index per event, whatever the statistics say: as a semi-join the planner may
    // choose to hash the whole table when its statistics are young.
    private const string KnownIds = """
        SELECT i.id FROM unnest($1::text[]) AS i(id)
        CROSS JOIN LATERAL (SELECT 1 FROM trace_events e WHERE e.id = i.id LIMIT 1) AS stored
        """;

    private const string AdvanceSequences = """
        UPDATE run_sequences r SET last = a.last
        FROM unnest($1::text[], $2::bigint[]) AS a(run_id, last)
        WHERE r.run_id = a.run_id
        """;

    // Only for batches that hold lifecycle events (most hold log lines alone). The values were folded on this
    // side by the one set of rules (RunSummaryChanges, TraceFold); this statement only stores them. New sequences
    // of a run are always above the stored ones (the counter is locked), and the WHERE guards against a stale row
    // all the same. Runs without a row (events of an unknown run) match nothing: their events are kept all the same.
    private const string FoldSummaries = """
        WITH nodes AS (
            INSERT INTO run_nodes AS n (run_id, node_id, status, attempt, started_at, completed_at, last_sequence)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::timestamptz[], $6::timestamptz[], $7::bigint[])
            ON CONFLICT (run_id, node_id) DO UPDATE SET
                status = EXCLUDED.status,
                attempt = greatest(n.attempt, EXCLUDED.attempt),
                started_at = coalesce(n.started_at, EXCLUDED.started_at),
                completed_at = EXCLUDED.completed_at,
                last_sequence = EXCLUDED.last_sequence
            WHERE n.last_sequence < EXCLUDED.last_sequence
        )
        UPDATE runs r SET
            status = coalesce(c.status, r.status),
            started_at = coalesce(r.started_at, c.started_at),
            completed_at = CASE WHEN c.status IS NULL THEN r.completed_at ELSE c.completed_at END,
            failure = CASE WHEN c.status IS NULL THEN r.failure ELSE c.failure END,
            updated_at = now()
        FROM unnest($8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::jsonb[])
            AS c(run_id, status, started_at, completed_at, failure)
        WHERE r.run_id = c.run_id
        """;

    // Findings are indexed with the events that carry them, in the same transaction (0005_findings_and_inputs.sql).
    private const string IndexFindings = """
        INSERT INTO run_findings (run_id, sequence, fingerprint, rule_id, severity, node_id, attempt, ts, finding)
        SELECT run_id, sequence, payload -> 'finding' ->> 'fingerprint', payload -> 'finding' ->> 'ruleId',
               payload -> 'finding' ->> 'severity', node_id, attempt, ts, payload -> 'finding'
        FROM unnest($1::text[], $2::bigint[], $3::text[], $4::integer[], $5::timestamptz[], $6::jsonb[])
            AS f(run_id, sequence, node_id, attempt, ts, payload)
        """;

    // Named by PostgreSQL for the UNIQUE (id) of 0001_initial.sql.
    private const string IdConstraint = "trace_events_id_key";

    // Within a caller's transaction an append is a savepoint, so a retry (or a failure) leaves that transaction usable.
    private static readonly AppendBoundary InCallersTransaction = new(
        "SAVEPOINT trace_append", "ROLLBACK TO SAVEPOINT trace_append", OpenAgainAfterUndo: false, "RELEASE SAVEPOINT trace_append");

    private const string SelectPage = """
        SELECT id, run_id, node_id, attempt, type, level, ts, sequence, message, payload, trace_id, span_id
        FROM trace_events
        WHERE run_id = $1 AND sequence > $2
        ORDER BY sequence
        LIMIT $3
        """;

    /// <inheritdoc />
    public async Task<IReadOnlyList<TraceEvent>> AppendAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        // BEGIN and COMMIT travel with the append's first and last statements, not in round trips of their
        // own. Whatever fails, the pool rolls back a connection that comes back inside a transaction. Repeating
        // an append is harmless: ids already stored are left out.
        var batch = TraceAppendBatch.Of(events);
        var boundary = new AppendBoundary("BEGIN", "ROLLBACK", OpenAgainAfterUndo: true, "COMMIT");
        return await Reachable(ct => AppendOnOwnConnectionAsync(batch, boundary, ct), cancellationToken);
    }

    private async Task<IReadOnlyList<TraceEvent>> AppendOnOwnConnectionAsync(TraceAppendBatch batch, AppendBoundary boundary, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await AppendAsync(connection, null, batch, boundary, cancellationToken);
    }

    /// <summary>
    /// Runs a repeatable request; a connection a restart cut is replaced once, and an outage surfaces as
    /// <see cref="TraceStoreUnavailableException"/> so transports can wait it out.
    /// </summary>
    private async Task<T> Reachable<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresFailures.RetryOnceOnLostConnectionAsync(dataSource, operation, cancellationToken);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
        {
            throw new TraceStoreUnavailableException($"The trace store (PostgreSQL) is unavailable: {exception.Message}", exception);
        }
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

        return await AppendAsync(connection, transaction, TraceAppendBatch.Of(events), InCallersTransaction, cancellationToken);
    }

    private static async Task<IReadOnlyList<TraceEvent>> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, TraceAppendBatch batch, AppendBoundary boundary, CancellationToken cancellationToken)
    {
        // Most appends hold only new ids, each once: the COPY then needs no check beyond the id index's own.
        // Otherwise that index refuses the COPY; the append is undone and made again leaving out repeated
        // and stored ids (a redelivery, rare enough to pay a second try).
        try
        {
            return await AppendOnceAsync(connection, transaction, batch, boundary, leaveOutKnown: false, cancellationToken);
        }
        catch (PostgresException exception) when (exception is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: IdConstraint })
        {
            await using (var undo = new NpgsqlCommand(boundary.Undo, connection, transaction))
            {
                await undo.ExecuteNonQueryAsync(cancellationToken);
            }

            return await AppendOnceAsync(connection, transaction, batch, boundary, leaveOutKnown: true, cancellationToken);
        }
    }

    private static async Task<IReadOnlyList<TraceEvent>> AppendOnceAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, TraceAppendBatch batch, AppendBoundary boundary, bool leaveOutKnown,
        CancellationToken cancellationToken)
    {
        var counters = new Dictionary<string, long>(batch.Runs.Length, StringComparer.Ordinal);
        HashSet<string>? known = null;
        await using (var command = new NpgsqlBatch(connection, transaction))
        {
            if (!leaveOutKnown || boundary.OpenAgainAfterUndo)
            {
                command.BatchCommands.Add(new NpgsqlBatchCommand(boundary.Open));
            }

            command.BatchCommands.Add(Command(EnsureSequences, PostgresArrays.Texts(batch.Runs)));
            command.BatchCommands.Add(Command(LockSequences, PostgresArrays.Texts(batch.Runs)));
            if (leaveOutKnown)
            {
                command.BatchCommands.Add(Command(KnownIds, PostgresArrays.Texts(batch.Ids())));
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            do
            {
                // The lock returns (run_id, last), the probe (id); the insert of counters returns nothing.
                while (reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken))
                {
                    if (reader.FieldCount == 2)
                    {
                        counters.Add(reader.GetString(0), reader.GetInt64(1));
                    }
                    else
                    {
                        (known ??= new HashSet<string>(StringComparer.Ordinal)).Add(reader.GetString(0));
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        var numbered = batch.Number(counters, known, leaveOutRepeats: leaveOutKnown);
        // COPY rather than INSERT … SELECT: PostgreSQL writes COPY rows to the heap a page at a time (one WAL
        // record per page instead of per row), which measured ~1.5x cheaper per event than inserting from
        // unnested arrays. It costs two round trips of its own, small beside the rows of a batch.
        if (numbered.Events.Count > 0)
        {
            await using var importer = await connection.BeginBinaryImportAsync(TraceEventColumns.Copy, cancellationToken);
            await numbered.WriteAsync(importer, cancellationToken);
            await importer.CompleteAsync(cancellationToken);
        }

        var completed = numbered.CompletedRuns;
        await using (var command = new NpgsqlBatch(connection, transaction))
        {
            command.BatchCommands.Add(numbered.AdvanceCommand(AdvanceSequences));
            if (numbered.FoldCommand(FoldSummaries) is { } fold)
            {
                command.BatchCommands.Add(fold);
            }

            if (numbered.FindingsCommand(IndexFindings) is { } findings)
            {
                command.BatchCommands.Add(findings);
            }

            if (completed.Count == 0)
            {
                command.BatchCommands.Add(new NpgsqlBatchCommand(boundary.Close));
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // A run that completes gets its baseline recorded with its completion, over the findings stored with it.
        if (completed.Count > 0)
        {
            await PostgresBaselines.RecordAsync(connection, transaction, completed, cancellationToken);
            await using var close = new NpgsqlCommand(boundary.Close, connection, transaction);
            await close.ExecuteNonQueryAsync(cancellationToken);
        }

        return numbered.Events;
    }

    /// <inheritdoc />
    public Task<TracePage> ReadAsync(string runId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfEqual(limit, int.MaxValue);
        return PostgresFailures.RetryOnceOnLostConnectionAsync(dataSource, ct => ReadPageAsync(runId, afterSequence, limit, ct), cancellationToken);
    }

    private async Task<TracePage> ReadPageAsync(string runId, long afterSequence, int limit, CancellationToken cancellationToken)
    {

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

    /// <summary>
    /// How an append begins and ends: its own transaction, or a savepoint in the caller's. <see cref="Undo"/>
    /// takes back an attempt; <see cref="Open"/> is sent again before the next one when it has to be.
    /// </summary>
    private sealed record AppendBoundary(string Open, string Undo, bool OpenAgainAfterUndo, string Close);

    private static NpgsqlBatchCommand Command(string sql, NpgsqlParameter parameter)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(parameter);
        return command;
    }


    /// <summary>Reads a row of <c>id, run_id, node_id, attempt, type, level, ts, sequence, message, payload, trace_id, span_id</c>.</summary>
    internal static TraceEvent ReadEvent(NpgsqlDataReader reader)
    {
        var traceEvent = new TraceEvent
        {
            Id = reader.GetString(0),
            RunId = reader.GetString(1),
            NodeId = reader.IsDBNull(2) ? null : reader.GetString(2),
            Attempt = reader.GetInt32(3),
            Type = WireName.Parse<TraceEventType>(reader.GetString(4)),
            Level = WireName.Parse<TraceEventLevel>(reader.GetString(5)),
            Timestamp = reader.GetFieldValue<DateTimeOffset>(6),
            Sequence = reader.GetInt64(7),
            Message = reader.IsDBNull(8) ? null : reader.GetString(8),
            TraceId = reader.IsDBNull(10) ? null : reader.GetString(10),
            SpanId = reader.IsDBNull(11) ? null : reader.GetString(11),
        };
        return TraceEventColumns.WithPayload(traceEvent, reader.IsDBNull(9) ? null : reader.GetString(9));
    }
}
