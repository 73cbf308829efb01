using System.Text.Json;
using Npgsql;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>Finds a run's artifacts through the NODE_ARTIFACT events of its own trace.</summary>
public sealed class PostgresRunArtifacts(NpgsqlDataSource dataSource) : IRunArtifacts
{
    private const string SelectArtifact = """
        SELECT payload -> 'artifact'
        FROM trace_events
        WHERE run_id = $1 AND type = $3 AND payload -> 'artifact' ->> 'artifactId' = $2
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
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? JsonSerializer.Deserialize<ArtifactReference>(json, ShipSecJson.Options)
            : null;
    }
}
