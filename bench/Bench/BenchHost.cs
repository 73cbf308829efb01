using Microsoft.AspNetCore.Builder;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ShipSec.LocalHost;

namespace ShipSec.Bench;

/// <summary>
/// The real local host, in this process on a free loopback port with its own schema, task hub and artifact
/// container (as tests/TestSupport/LocalHostFixture does), so a bench never touches a developer's data.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchHost(WebApplication app, string schema, HttpClient http)
    {
        _app = app;
        Schema = schema;
        Http = http;
    }

    public static string PostgresConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
        ?? "Host=127.0.0.1;Port=5433;Username=postgres;Database=shipsec";

    public static string StorageConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__Storage")
        ?? "UseDevelopmentStorage=true";

    public IServiceProvider Services => _app.Services;

    public string Schema { get; }

    /// <summary>Sends the host's API key; its base address is the host's.</summary>
    public HttpClient Http { get; }

    public static async Task<BenchHost> StartAsync(string backend)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var schema = $"bench_{suffix}";
        var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var app = LocalHostApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = PostgresConnectionString,
                ["ConnectionStrings:Storage"] = StorageConnectionString,
                ["Postgres:Schema"] = schema,
                ["Artifacts:Container"] = $"bench-{suffix}",
                ["DurableTask:Backend"] = backend,
                ["DurableTask:TaskHubName"] = $"Bench{suffix}",
                ["Logging:LogLevel:Default"] = "Warning",
                // The bench serves no dashboard: its output has no wwwroot, which is expected here.
                ["Logging:LogLevel:Microsoft.AspNetCore.StaticFiles"] = "Error",
                ["Access:ApiKey"] = apiKey,
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("x-functions-key", apiKey);
        return new BenchHost(app, schema, http);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
