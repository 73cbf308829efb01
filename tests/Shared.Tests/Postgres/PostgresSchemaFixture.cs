using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ShipSec.Shared.Postgres;

namespace ShipSec.Shared.Tests.Postgres;

/// <summary>A fresh, migrated schema of its own for one test class, dropped afterwards.</summary>
public sealed class PostgresSchemaFixture : IAsyncLifetime
{
    public static string ConnectionString { get; } =
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5433;Username=postgres;Database=shipsec";

    /// <summary>The role that owns schemas (scripts/services' shipsec_owner), or the app's own when there is no such role.</summary>
    public static string OwnerConnectionString { get; } =
        Environment.GetEnvironmentVariable("ConnectionStrings__PostgresOwner") is { Length: > 0 } owner ? owner : ConnectionString;

    public string Schema { get; } = NewSchemaName();

    public PostgresOptions Options => new() { ConnectionString = ConnectionString, OwnerConnectionString = OwnerConnectionString, Schema = Schema };

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public static string NewSchemaName() => "t_" + Guid.NewGuid().ToString("N");

    public PostgresMigrator CreateMigrator(NpgsqlDataSource? dataSource = null)
        => new(dataSource ?? DataSource, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<PostgresMigrator>.Instance);

    public async Task InitializeAsync()
    {
        DataSource = Options.CreateDataSource();
        using var migrator = CreateMigrator();
        await migrator.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await DropSchemaAsync(Schema);
        await DataSource.DisposeAsync();
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var dataSource = NpgsqlDataSource.Create(OwnerConnectionString);
        await using var command = dataSource.CreateCommand($"""DROP SCHEMA IF EXISTS "{schema}" CASCADE""");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a scalar query on this schema, for checks the public API does not expose.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
