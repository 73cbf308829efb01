using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ShipSec.LocalHost.Tests.Realtime;

/// <summary>The real local host on a free loopback port, with its own PostgreSQL schema and in-memory orchestration.</summary>
public sealed class RealtimeHostFixture : IAsyncLifetime
{
    public static string PostgresConnectionString { get; } = FromEnvironment(
        "ConnectionStrings__Postgres", "Host=127.0.0.1;Port=5433;Username=postgres;Database=shipsec");

    public static string StorageConnectionString { get; } = FromEnvironment(
        "ConnectionStrings__Storage",
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;");

    public string Schema { get; } = "t_" + Guid.NewGuid().ToString("N");

    public WebApplication App { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = LocalHostApp.Create(["--urls=http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = PostgresConnectionString,
            ["ConnectionStrings:Storage"] = StorageConnectionString,
            ["Postgres:Schema"] = Schema,
            ["DurableTask:Backend"] = "InMemory",
        }));
        await App.StartAsync();
        // With port 0 the server reports the port it really bound once started.
        BaseAddress = new Uri(App.Urls.Single());
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await using var dataSource = NpgsqlDataSource.Create(PostgresConnectionString);
        await using var drop = dataSource.CreateCommand($"""DROP SCHEMA IF EXISTS "{Schema}" CASCADE""");
        await drop.ExecuteNonQueryAsync();
    }

    private static string FromEnvironment(string name, string fallback)
        => Environment.GetEnvironmentVariable(name) is { Length: > 0 } configured ? configured : fallback;
}
