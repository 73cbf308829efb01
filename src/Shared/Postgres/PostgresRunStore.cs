using System.Text.Json;
using Npgsql;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// Runs in PostgreSQL. Status, times and failure are kept up to date by <see cref="PostgresTraceStore"/>
/// from WORKFLOW_STATUS events; node counters are counted (by <see cref="TraceFold.Progress"/>, as <c>/state</c>
/// counts them) from the node summaries it maintains.
/// </summary>
public sealed class PostgresRunStore(NpgsqlDataSource dataSource) : IRunStore
{
    private const string SummaryColumns = """
        SELECT r.run_id, r.workflow_id, r.status, r.created_at, r.started_at, r.updated_at, r.completed_at, r.failure,
               r.nodes_total, n.statuses, n.counts, r.workflow_version, r.inputs,
               f.info, f.low, f.medium, f.high, f.critical, r.baseline, r.trigger
        FROM runs r
        CROSS JOIN LATERAL (
            SELECT coalesce(array_agg(status), '{}') AS statuses, coalesce(array_agg(count), '{}') AS counts
            FROM (SELECT status, count(*)::int AS count FROM run_nodes WHERE run_nodes.run_id = r.run_id GROUP BY status) s
        ) n
        CROSS JOIN LATERAL (
            SELECT count(*) FILTER (WHERE severity = 'info')::int AS info,
                   count(*) FILTER (WHERE severity = 'low')::int AS low,
                   count(*) FILTER (WHERE severity = 'medium')::int AS medium,
                   count(*) FILTER (WHERE severity = 'high')::int AS high,
                   count(*) FILTER (WHERE severity = 'critical')::int AS critical
            FROM (
                SELECT DISTINCT ON (fingerprint) severity
                FROM run_findings
                WHERE run_findings.run_id = r.run_id
                ORDER BY fingerprint, sequence DESC
            ) latest
        ) f
        """;

    private const string InsertRun = """
        INSERT INTO runs (run_id, workflow_id, workflow_version, status, nodes_total, created_at, updated_at, inputs, inputs_digest, trigger, parent_run_id)
        VALUES ($1, $2, $3, $6, $4, $5, $5, $7, $8, $9::jsonb, $10)
        ON CONFLICT (run_id) DO NOTHING
        """;

    private const string SelectRun = SummaryColumns + "\nWHERE r.run_id = $1";

    private const string SelectRuns = SummaryColumns + """

        WHERE $1::text IS NULL OR r.workflow_id = $1
        ORDER BY r.created_at DESC, r.run_id DESC
        LIMIT $2
        """;

    // Oldest first, so a backlog is worked off in the order it built up.
    private const string SelectUnfinished = SummaryColumns + """

        WHERE r.status = ANY($3) AND r.updated_at < $1
        ORDER BY r.updated_at, r.run_id
        LIMIT $2
        """;

    // The run statuses that are not final, by their wire names (TraceFold says which are final).
    private static readonly string[] Unfinished = [.. Enum.GetValues<RunStatus>().Where(status => !TraceFold.IsFinal(status)).Select(status => WireName.Of(status))];

    private const string SelectNodeStatus = """
        SELECT n.status FROM runs r LEFT JOIN run_nodes n ON n.run_id = r.run_id AND n.node_id = $2 WHERE r.run_id = $1
        """;

    private const string RequestCancellation = "UPDATE runs SET cancel_requested = true WHERE run_id = $1";

    private const string SelectCancellation = "SELECT run_id FROM runs WHERE run_id = ANY($1) AND cancel_requested";

    /// <inheritdoc />
    /// <remarks>Creating a run that already exists does nothing, so a retried request is harmless.</remarks>
    public Task CreateAsync(NewRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return PostgresFailures.RetryOnceOnLostConnectionAsync(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(InsertRun);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(run.RunId) });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(run.WorkflowId) });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = run.WorkflowVersion });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = run.NodesTotal });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = run.CreatedAt.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = WireName.Of(RunStatus.Queued) });
            command.Parameters.Add(new NpgsqlParameter<string?>
            {
                TypedValue = run.Inputs is null ? null : PostgresText.StripJson(JsonSerializer.Serialize(run.Inputs, ShipSecJson.Options)),
                NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb,
            });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = run.InputsDigest, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(run.Trigger, ShipSecJson.Options) });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = run.Trigger.ParentRunId is { } parent ? PostgresText.Strip(parent) : null, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RunSummary?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return PostgresFailures.RetryOnceOnLostConnectionAsync(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(SelectRun);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadSummary(reader) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunSummary>> ListAsync(string? workflowId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return PostgresFailures.RetryOnceOnLostConnectionAsync<IReadOnlyList<RunSummary>>(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(SelectRuns);
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = workflowId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            return await ReadSummariesAsync(command, ct);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunSummary>> ListUnfinishedAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return PostgresFailures.RetryOnceOnLostConnectionAsync<IReadOnlyList<RunSummary>>(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(SelectUnfinished);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = updatedBefore.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = Unfinished });
            return await ReadSummariesAsync(command, ct);
        }, cancellationToken);
    }

    private static async Task<IReadOnlyList<RunSummary>> ReadSummariesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var runs = new List<RunSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(ReadSummary(reader));
        }

        return runs;
    }

    /// <inheritdoc />
    public Task<NodeStatus?> GetNodeStatusAsync(string runId, string nodeId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(nodeId);
        return PostgresFailures.RetryOnceOnLostConnectionAsync<NodeStatus?>(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(SelectNodeStatus);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            return reader.IsDBNull(0) ? NodeStatus.Idle : WireName.Parse<NodeStatus>(reader.GetString(0));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RequestCancellationAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return PostgresFailures.RetryOnceOnLostConnectionAsync(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(RequestCancellation);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyCollection<string>> CancellationRequestedAmongAsync(IReadOnlyCollection<string> runIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        if (runIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyCollection<string>>([]);
        }

        return PostgresFailures.RetryOnceOnLostConnectionAsync<IReadOnlyCollection<string>>(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(SelectCancellation);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. runIds] });
            var cancelled = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                cancelled.Add(reader.GetString(0));
            }

            return cancelled;
        }, cancellationToken);
    }

    private static RunSummary ReadSummary(NpgsqlDataReader reader) => new()
    {
        RunId = reader.GetString(0),
        WorkflowId = reader.GetString(1),
        Status = WireName.Parse<RunStatus>(reader.GetString(2)),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(3),
        StartedAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(5),
        CompletedAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        Failure = reader.IsDBNull(7) ? null : JsonSerializer.Deserialize<RunFailure>(reader.GetString(7), ShipSecJson.Options),
        Progress = TraceFold.Progress(
            reader.GetInt32(8), reader.GetFieldValue<string[]>(9).Zip(reader.GetFieldValue<int[]>(10), (status, count) => KeyValuePair.Create(WireName.Parse<NodeStatus>(status), count))),
        WorkflowVersion = reader.GetInt32(11),
        Inputs = reader.IsDBNull(12) ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reader.GetString(12), ShipSecJson.Options),
        Findings = new FindingCounts(reader.GetInt32(13), reader.GetInt32(14), reader.GetInt32(15), reader.GetInt32(16), reader.GetInt32(17)),
        Baseline = reader.IsDBNull(18) ? null : JsonSerializer.Deserialize<RunBaseline>(reader.GetString(18), ShipSecJson.Options),
        Trigger = reader.IsDBNull(19) ? RunTrigger.Api : JsonSerializer.Deserialize<RunTrigger>(reader.GetString(19), ShipSecJson.Options) ?? RunTrigger.Api,
    };
}
