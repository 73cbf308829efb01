using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>Findings from <c>run_findings</c>, which <see cref="PostgresTraceStore"/> fills with the events that carry them.</summary>
public sealed class PostgresRunFindings(NpgsqlDataSource dataSource) : IRunFindings
{
    /// <summary>Wire names of the severities, least severe first: the SQL ranks severities by position here.</summary>
    internal const string SeverityOrder = "ARRAY['info', 'low', 'medium', 'high', 'critical']";

    // The latest report of each fingerprint; filters apply to that latest report.
    private const string SelectFindings = $"""
        SELECT node_id, attempt, sequence, ts, finding FROM (
            SELECT DISTINCT ON (fingerprint) node_id, attempt, sequence, ts, finding, severity
            FROM run_findings
            WHERE run_id = $1
            ORDER BY fingerprint, sequence DESC
        ) latest
        WHERE ($2::text IS NULL OR severity = $2) AND ($3::text IS NULL OR node_id = $3)
        ORDER BY array_position({SeverityOrder}, severity) DESC, sequence
        """;

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunFinding>> ListAsync(string runId, FindingSeverity? severity = null, string? nodeId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var command = dataSource.CreateCommand(SelectFindings);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<string?>
        {
            TypedValue = severity is { } s ? JsonSerializer.SerializeToElement(s, ShipSecJson.Options).GetString() : null,
            NpgsqlDbType = NpgsqlDbType.Text,
        });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = nodeId, NpgsqlDbType = NpgsqlDbType.Text });
        var findings = new List<RunFinding>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var finding = JsonSerializer.Deserialize<Finding>(reader.GetString(4), ShipSecJson.Options)
                ?? throw new InvalidDataException($"Run {runId} has a null finding at sequence {reader.GetInt64(2)}.");
            findings.Add(RunFinding.From(finding, reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return findings;
    }
}
