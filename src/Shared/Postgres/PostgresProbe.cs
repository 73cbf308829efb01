using Npgsql;
using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Postgres;

/// <summary>PostgreSQL answers a query on a fresh or pooled connection of the stores' data source.</summary>
public sealed class PostgresProbe(NpgsqlDataSource dataSource) : IDependencyProbe
{
    /// <inheritdoc />
    public string Name => "postgres";

    /// <inheritdoc />
    public Task ProbeAsync(CancellationToken cancellationToken = default)
        => PostgresFailures.RetryOnceOnLostConnectionAsync(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            return await command.ExecuteScalarAsync(ct);
        }, cancellationToken);
}
