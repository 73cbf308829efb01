using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Postgres;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Tests.Trace;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.Postgres;

public sealed class PostgresMigratorTests(PostgresSchemaFixture database) : IClassFixture<PostgresSchemaFixture>
{
    [Fact]
    public async Task Migrating_again_applies_nothing_and_keeps_the_data()
    {
        await new PostgresTraceStore(database.DataSource).AppendAsync([TraceEvents.Log("run-kept", "n", 1)]);

        using var again = database.CreateMigrator();
        await again.MigrateAsync();
        await again.MigrateAsync();

        Assert.Equal(PostgresMigrator.Migrations.Count, (int)await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM trace_events WHERE run_id = 'run-kept'"));
    }

    [Fact]
    public async Task Hosts_migrating_the_same_new_schema_at_once_apply_each_script_once()
    {
        var schema = PostgresSchemaFixture.NewSchemaName();
        try
        {
            var options = new PostgresOptions { ConnectionString = PostgresSchemaFixture.ConnectionString, OwnerConnectionString = PostgresSchemaFixture.OwnerConnectionString, Schema = schema };
            var dataSources = Enumerable.Range(0, 4).Select(_ => options.CreateDataSource()).ToArray();
            var migrators = dataSources.Select(d => new PostgresMigrator(d, Options.Create(options), Microsoft.Extensions.Logging.Abstractions.NullLogger<PostgresMigrator>.Instance)).ToArray();

            await Task.WhenAll(migrators.Select(m => Task.Run(() => m.MigrateAsync())));

            await using var count = dataSources[0].CreateCommand("SELECT count(*) FROM schema_migrations");
            Assert.Equal((long)PostgresMigrator.Migrations.Count, await count.ExecuteScalarAsync());
            foreach (var migrator in migrators)
            {
                migrator.Dispose();
            }

            foreach (var dataSource in dataSources)
            {
                await dataSource.DisposeAsync();
            }
        }
        finally
        {
            await PostgresSchemaFixture.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task A_host_with_only_a_connection_string_migrates_its_schema_on_start_and_serves_the_stores()
    {
        var schema = PostgresSchemaFixture.NewSchemaName();
        try
        {
            var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = PostgresSchemaFixture.ConnectionString,
                ["ConnectionStrings:PostgresOwner"] = PostgresSchemaFixture.OwnerConnectionString,
                ["Postgres:Schema"] = schema,
            });
            builder.Services.AddShipSecPostgres();
            using var host = builder.Build();

            await host.StartAsync();
            var runs = host.Services.GetRequiredService<IRunStore>();
            await runs.CreateAsync(new NewRun("run-1", "wf", 1, 2, DateTimeOffset.UtcNow));
            await host.Services.GetRequiredService<ITraceStore>().AppendAsync([TraceEvents.Log("run-1", "n", 1)]);

            Assert.Equal(RunStatus.Queued, (await runs.GetAsync("run-1"))?.Status);
            Assert.Null(await host.Services.GetRequiredService<IWorkflowStore>().GetAsync("wf"));
            Assert.Equal(schema, host.Services.GetRequiredService<IOptions<PostgresOptions>>().Value.Schema);
            await host.StopAsync();
        }
        finally
        {
            await PostgresSchemaFixture.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task A_schema_that_is_not_a_plain_identifier_fails_start_up()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = PostgresSchemaFixture.ConnectionString,
            ["Postgres:Schema"] = "x\"; DROP TABLE runs; --",
        });
        builder.Services.AddShipSecPostgres();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Schema", error.Message, StringComparison.Ordinal);
    }
}
