using Npgsql;
using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// Idempotency keys in PostgreSQL. A claim is one statement: insert the key, or take over a row older than the
/// window; the primary key serialises concurrent claims, and each claim commits at once, so no connection waits on
/// another request's run start.
/// </summary>
public sealed class PostgresIdempotencyStore(NpgsqlDataSource dataSource) : IIdempotencyStore
{
    private const string Claim = """
        INSERT INTO idempotency_keys AS k (caller, key, request_hash, run_id, created_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (caller, key) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, run_id = EXCLUDED.run_id, created_at = EXCLUDED.created_at
            WHERE k.created_at < $6
        RETURNING run_id, request_hash
        """;

    private const string Holder = "SELECT run_id, request_hash FROM idempotency_keys WHERE caller = $1 AND key = $2";

    private const string Release = "DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND run_id = $3";

    private const string Holds = "SELECT 1 FROM idempotency_keys WHERE caller = $1 AND key = $2 AND run_id = $3";

    /// <inheritdoc />
    public async Task<IdempotencyClaim> ClaimAsync(
        string caller, string key, string requestHash, string runId, DateTimeOffset now, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default)
    {
        // The holder read after a refused claim can miss a row whose insert committed in between only if that row was
        // released again right away; then claiming once more settles it.
        for (var attempt = 0; ; attempt++)
        {
            await using (var claim = dataSource.CreateCommand(Claim))
            {
                claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(caller) });
                claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(key) });
                claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = requestHash });
                claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
                claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
                claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expiredBefore.ToUniversalTime() });
                await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    return new IdempotencyClaim(true, reader.GetString(0), reader.GetString(1));
                }
            }

            await using var holder = dataSource.CreateCommand(Holder);
            holder.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(caller) });
            holder.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(key) });
            await using var held = await holder.ExecuteReaderAsync(cancellationToken);
            if (await held.ReadAsync(cancellationToken))
            {
                return new IdempotencyClaim(false, held.GetString(0), held.GetString(1));
            }

            if (attempt >= 3)
            {
                throw new InvalidOperationException($"Idempotency key '{key}' could be neither claimed nor read.");
            }
        }
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string caller, string key, string runId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Release);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(caller) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(key) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> HoldsAsync(string caller, string key, string runId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Holds);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(caller) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(key) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
