using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// Baselines in PostgreSQL (<c>0007_baselines.sql</c>). The rule of <see cref="IRunBaselines"/> is written once,
/// in <see cref="BaselineOf"/>; <see cref="PostgresTraceStore"/> records a completing run's baseline through
/// <see cref="RecordAsync"/> in the transaction that appends its completion.
/// </summary>
public sealed class PostgresBaselines(NpgsqlDataSource dataSource) : IRunBaselines
{
    // $1: the completed status's wire name in every statement that picks a baseline.
    private const string Completed = "$1";

    // The baseline recorded at completion wins; before that (or for a run that did not complete) the rule picks now.
    private const string SelectChoice = $"""
        SELECT x.id, coalesce(x.id = x.pinned, false) FROM (
            SELECT coalesce(e.baseline ->> 'runId', {BaselineOf}) AS id, {PinnedOf} AS pinned FROM runs e WHERE e.run_id = $2
        ) x
        """;

    // The runs completing in an append, each with its baseline and the fingerprints of both (one row per fingerprint).
    private const string SelectFingerprints = $"""
        WITH chosen AS (SELECT e.run_id, {BaselineOf} AS baseline_id FROM runs e WHERE e.run_id = ANY($2))
        SELECT c.run_id, c.baseline_id, f.run_id = c.run_id, f.fingerprint
        FROM chosen c
        LEFT JOIN LATERAL (
            SELECT DISTINCT run_id, fingerprint FROM run_findings WHERE run_id = c.run_id OR run_id = c.baseline_id
        ) f ON true
        WHERE c.baseline_id IS NOT NULL
        """;

    private const string UpdateBaselines = """
        UPDATE runs r SET baseline = b.baseline
        FROM unnest($1::text[], $2::jsonb[]) AS b(run_id, baseline)
        WHERE r.run_id = b.run_id
        """;

    private const string Pin = """
        INSERT INTO workflow_baselines (workflow_id, run_id, pinned_at)
        SELECT workflow_id, run_id, $3 FROM runs WHERE run_id = $2 AND workflow_id = $1
        ON CONFLICT (workflow_id) DO UPDATE SET run_id = EXCLUDED.run_id, pinned_at = EXCLUDED.pinned_at
        """;

    private const string Unpin = "DELETE FROM workflow_baselines WHERE workflow_id = $1";

    private const string SelectPinned = "SELECT run_id FROM workflow_baselines WHERE workflow_id = $1";

    // The rule, for a run row aliased e: its workflow's pinned run (unless that is e itself), else the latest
    // earlier completed run of its workflow with the same input digest.
    private const string PinnedOf = """
        (SELECT b.run_id FROM workflow_baselines b WHERE b.workflow_id = e.workflow_id AND b.run_id <> e.run_id)
        """;

    private const string LatestOf = $"""
        (SELECT p.run_id FROM runs p
         WHERE p.workflow_id = e.workflow_id AND p.inputs_digest = e.inputs_digest AND p.status = {Completed}
           AND p.created_at < e.created_at AND p.run_id <> e.run_id
         ORDER BY p.created_at DESC LIMIT 1)
        """;

    private const string BaselineOf = $"coalesce({PinnedOf}, {LatestOf})";

    /// <inheritdoc />
    public Task<BaselineChoice?> FindAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return PostgresFailures.RetryOnceOnLostConnectionAsync(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(SelectChoice);
            command.Parameters.Add(CompletedParameter());
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? new BaselineChoice(reader.GetString(0), reader.GetBoolean(1)) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> PinAsync(string workflowId, string runId, DateTimeOffset pinnedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        ArgumentNullException.ThrowIfNull(runId);
        return PostgresFailures.RetryOnceOnLostConnectionAsync(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(Pin);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workflowId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = pinnedAt.ToUniversalTime() });
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UnpinAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        return PostgresFailures.RetryOnceOnLostConnectionAsync(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(Unpin);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workflowId });
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> PinnedAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        return PostgresFailures.RetryOnceOnLostConnectionAsync(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand(SelectPinned);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workflowId });
            return await command.ExecuteScalarAsync(ct) as string;
        }, cancellationToken);
    }

    /// <summary>
    /// Records the baseline of each of <paramref name="runIds"/> (runs this append completes) with how their
    /// findings moved against it, in the caller's transaction; a run with no baseline keeps none.
    /// </summary>
    internal static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        var runs = new Dictionary<string, (string BaselineId, HashSet<string> Mine, HashSet<string> Theirs)>(StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand(SelectFingerprints, connection, transaction))
        {
            select.Parameters.Add(CompletedParameter());
            select.Parameters.Add(PostgresArrays.Texts([.. runIds]));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var runId = reader.GetString(0);
                if (!runs.TryGetValue(runId, out var run))
                {
                    runs.Add(runId, run = (reader.GetString(1), new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal)));
                }

                if (!reader.IsDBNull(3))
                {
                    (reader.GetBoolean(2) ? run.Mine : run.Theirs).Add(reader.GetString(3));
                }
            }
        }

        if (runs.Count == 0)
        {
            return;
        }

        var baselines = runs.Select(pair =>
        {
            var (added, resolved) = FindingsDiff.Movement(pair.Value.Theirs, pair.Value.Mine);
            return JsonSerializer.Serialize(new RunBaseline(pair.Value.BaselineId, added, resolved), ShipSecJson.Options);
        }).ToArray();
        await using var update = new NpgsqlCommand(UpdateBaselines, connection, transaction);
        update.Parameters.Add(PostgresArrays.Texts([.. runs.Keys]));
        update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = baselines, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter<string> CompletedParameter() => new() { TypedValue = WireName.Of(RunStatus.Completed) };
}
