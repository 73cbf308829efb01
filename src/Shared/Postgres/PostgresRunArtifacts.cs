using System.Text.Json;
using Npgsql;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// Finds a run's artifacts through its own trace: the NODE_ARTIFACT events, and the input values an attempt's
/// NODE_STARTED keeps in Blob (<c>{"$blob": …}</c>).
/// </summary>
public sealed class PostgresRunArtifacts(NpgsqlDataSource dataSource) : IRunArtifacts
{
    private const string SelectArtifact = """
        SELECT COALESCE(payload -> 'artifact', jsonb_path_query_first(payload -> 'inputs', '$.*."$blob" ? (@.artifactId == $id)', jsonb_build_object('id', $2::text)))
        FROM trace_events
        WHERE run_id = $1 AND (
            (type = $3 AND payload -> 'artifact' ->> 'artifactId' = $2)
            OR (type = $4 AND jsonb_path_exists(payload -> 'inputs', '$.*."$blob" ? (@.artifactId == $id)', jsonb_build_object('id', $2::text))))
        ORDER BY sequence
        LIMIT 1
        """;

    /// <inheritdoc />
    public async Task<ArtifactReference?> FindAsync(string runId, string artifactId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(artifactId);
        await using var command = dataSource.CreateCommand(SelectArtifact);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = artifactId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = WireName.Of(TraceEventType.NodeArtifact) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = WireName.Of(TraceEventType.NodeStarted) });
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? JsonSerializer.Deserialize<ArtifactReference>(json, ShipSecJson.Options)
            : null;
    }
}
