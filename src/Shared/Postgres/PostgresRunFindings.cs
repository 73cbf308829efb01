using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>Findings from <c>run_findings</c>, which <see cref="PostgresTraceStore"/> fills with the events that carry them.</summary>
public sealed class PostgresRunFindings(NpgsqlDataSource dataSource) : IRunFindings
{
    /// <summary>
    /// Wire names of the severities, least severe first: the SQL ranks severities by position here. Built from
    /// <see cref="FindingSeverity"/>'s declared wire names rather than written out a second time.
    /// </summary>
    internal static readonly string SeverityOrder =
        $"ARRAY[{string.Join(", ", Enum.GetValues<FindingSeverity>().Order().Select(severity => $"'{WireName.Of(severity)}'"))}]";

    // The latest report of each fingerprint; filters apply to that latest report.
    private static readonly string SelectFindings = $"""
        SELECT node_id, attempt, sequence, ts, finding FROM (
            SELECT DISTINCT ON (fingerprint) node_id, attempt, sequence, ts, finding, severity
            FROM run_findings
            WHERE run_id = $1
            ORDER BY fingerprint, sequence DESC
        ) latest
        WHERE ($2::text IS NULL OR severity = $2) AND ($3::text IS NULL OR node_id = $3)
        ORDER BY array_position({SeverityOrder}, severity) DESC, sequence
        """;

    // The latest completed run's findings (latest report per fingerprint), each with the earliest run of the
    // workflow that reported its fingerprint; run_findings_fingerprint_idx serves the history lookup.
    private static readonly string SelectOpen = $$"""
        WITH latest AS (
            SELECT run_id FROM runs WHERE workflow_id = $1 AND status = $2 ORDER BY created_at DESC, run_id DESC LIMIT 1
        ), current AS (
            SELECT DISTINCT ON (fingerprint) fingerprint, node_id, attempt, sequence, ts, finding, severity
            FROM run_findings WHERE run_id = (SELECT run_id FROM latest)
            ORDER BY fingerprint, sequence DESC
        )
        SELECT c.node_id, c.attempt, c.sequence, c.ts, c.finding, first.run_id, first.ts, (SELECT run_id FROM latest)
        FROM current c
        CROSS JOIN LATERAL (
            SELECT f.run_id, f.ts FROM run_findings f JOIN runs r ON r.run_id = f.run_id
            WHERE f.fingerprint = c.fingerprint AND r.workflow_id = $1
            ORDER BY r.created_at, f.sequence LIMIT 1
        ) first
        ORDER BY array_position({{SeverityOrder}}, c.severity) DESC, c.sequence
        """;

    private const string SelectLatest = "SELECT run_id FROM runs WHERE workflow_id = $1 AND status = $2 ORDER BY created_at DESC, run_id DESC LIMIT 1";

    /// <inheritdoc />
    public async Task<WorkflowFindings> ListOpenAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        var completed = WireName.Of(Runs.RunStatus.Completed);
        var open = new List<OpenFinding>();
        string? latestRunId = null;
        await using (var command = dataSource.CreateCommand(SelectOpen))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workflowId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = completed });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var finding = ReadFinding(reader, workflowId);
                latestRunId = reader.GetString(7);
                open.Add(new OpenFinding(finding, reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), latestRunId));
            }
        }

        if (latestRunId is null)
        {
            // No open findings: still say which run that is of.
            await using var command = dataSource.CreateCommand(SelectLatest);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workflowId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = completed });
            latestRunId = await command.ExecuteScalarAsync(cancellationToken) as string;
        }

        return new WorkflowFindings(workflowId, latestRunId, open, FindingCounts.Of(open.Select(f => f.Finding.Severity)));
    }

    /// <summary>Reads <c>node_id, attempt, sequence, ts, finding</c> (the first five columns).</summary>
    private static RunFinding ReadFinding(NpgsqlDataReader reader, string owner)
    {
        var finding = JsonSerializer.Deserialize<Finding>(reader.GetString(4), ShipSecJson.Options)
            ?? throw new InvalidDataException($"{owner} has a null finding at sequence {reader.GetInt64(2)}.");
        return RunFinding.From(finding, reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunFinding>> ListAsync(string runId, FindingSeverity? severity = null, string? nodeId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var command = dataSource.CreateCommand(SelectFindings);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<string?>
        {
            TypedValue = severity is { } s ? WireName.Of(s) : null,
            NpgsqlDbType = NpgsqlDbType.Text,
        });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = nodeId, NpgsqlDbType = NpgsqlDbType.Text });
        var findings = new List<RunFinding>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            findings.Add(ReadFinding(reader, $"Run {runId}"));
        }

        return findings;
    }
}
