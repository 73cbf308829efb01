using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// Applies the numbered SQL migrations embedded in this assembly (<c>ShipSec.Migrations.NNNN_name.sql</c>)
/// to the configured schema, each in its own transaction under an advisory lock, so hosts starting
/// together neither race nor apply a script twice. Runs in <see cref="StartingAsync"/>, before any
/// hosted service's <c>StartAsync</c>. With <see cref="PostgresOptions.OwnerConnectionString"/> set it migrates as
/// that owner role and then grants the app's role what it needs and no more: the tables' rows, but no UPDATE,
/// DELETE or TRUNCATE of <c>trace_events</c> (the trace is append-only) and no writes to <c>schema_migrations</c>.
/// </summary>
public sealed partial class PostgresMigrator(NpgsqlDataSource dataSource, IOptions<PostgresOptions> options, ILogger<PostgresMigrator> logger)
    : IHostedLifecycleService, IDisposable
{
    private const string ResourcePrefix = "ShipSec.Migrations.";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _migrated;

    /// <summary>The embedded migrations, in the order they apply.</summary>
    public static IReadOnlyList<string> Migrations { get; } = typeof(PostgresMigrator).Assembly
        .GetManifestResourceNames()
        .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
        .Select(name => name[ResourcePrefix.Length..^".sql".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Creates the schema when missing and applies every migration not applied yet; safe to call again.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_migrated)
            {
                return;
            }

            var schema = options.Value.Schema;
            var owner = string.IsNullOrWhiteSpace(options.Value.OwnerConnectionString) ? null : options.Value.CreateOwnerDataSource();
            try
            {
                while (await ApplyNextAsync(owner ?? dataSource, schema, cancellationToken))
                {
                }

                if (owner is not null)
                {
                    await GrantAppRoleAsync(owner, schema, cancellationToken);
                }
            }
            finally
            {
                if (owner is not null)
                {
                    await owner.DisposeAsync();
                }
            }

            _migrated = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Applies the first pending migration; false when none was pending.</summary>
    private async Task<bool> ApplyNextAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The schema name is validated as a plain lowercase identifier by PostgresOptions, so quoting it is enough.
        await using (var prepare = new NpgsqlBatch(connection, transaction))
        {
            prepare.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            {
                Parameters = { new NpgsqlParameter { Value = "shipsec.migrations:" + schema } },
            });
            prepare.BatchCommands.Add(new NpgsqlBatchCommand($"""CREATE SCHEMA IF NOT EXISTS "{schema}" """));
            prepare.BatchCommands.Add(new NpgsqlBatchCommand($"""
                CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations (
                    version     text        PRIMARY KEY,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """));
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand($"""SELECT version FROM "{schema}".schema_migrations""", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var next = Migrations.FirstOrDefault(version => !applied.Contains(version));
        if (next is null)
        {
            await transaction.CommitAsync(cancellationToken);
            return false;
        }

        // Scripts use unqualified names: within this transaction they resolve to the target schema. A
        // command without parameters may hold several statements, which is what a script is.
        var script = $"""SET LOCAL search_path TO "{schema}";""" + "\n" + await ReadScriptAsync(next, cancellationToken);
        await using (var apply = new NpgsqlCommand(script, connection, transaction))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var record = new NpgsqlCommand($"""INSERT INTO "{schema}".schema_migrations (version) VALUES ($1)""", connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter { Value = next });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        PostgresLog.MigrationApplied(logger, next, schema);
        return true;
    }

    // Idempotent, so it runs on every start and also covers tables a newer migration added.
    private async Task GrantAppRoleAsync(NpgsqlDataSource owner, string schema, CancellationToken cancellationToken)
    {
        var app = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString).Username;
        if (string.IsNullOrEmpty(app) || !AppRoleName().IsMatch(app))
        {
            throw new InvalidOperationException("With Postgres:OwnerConnectionString set, the app's connection string must name its role (Username) as a plain identifier.");
        }

        if (string.Equals(app, new NpgsqlConnectionStringBuilder(options.Value.OwnerConnectionString).Username, StringComparison.Ordinal))
        {
            return;
        }

        // Under the migrations' lock: hosts starting together would otherwise update the same grants at once
        // ("tuple concurrently updated").
        await using var connection = await owner.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockSchema = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
        {
            lockSchema.Parameters.Add(new NpgsqlParameter { Value = "shipsec.migrations:" + schema });
            await lockSchema.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var grant = new NpgsqlCommand($"""
            GRANT USAGE ON SCHEMA "{schema}" TO "{app}";
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO "{app}";
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{app}";
            REVOKE UPDATE, DELETE, TRUNCATE ON "{schema}".trace_events FROM "{app}";
            REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "{schema}".schema_migrations FROM "{app}";
            """, connection, transaction);
        await grant.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial System.Text.RegularExpressions.Regex AppRoleName();

    private static async Task<string> ReadScriptAsync(string version, CancellationToken cancellationToken)
    {
        await using var stream = typeof(PostgresMigrator).Assembly.GetManifestResourceStream(ResourcePrefix + version + ".sql")
            ?? throw new InvalidOperationException($"Migration {version} is not embedded.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => MigrateAsync(cancellationToken);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
