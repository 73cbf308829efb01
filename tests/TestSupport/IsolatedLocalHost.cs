using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ShipSec.LocalHost;

namespace ShipSec.TestSupport;

/// <summary>
/// The real local host, started in this process on a free loopback port with its own PostgreSQL schema,
/// task hub, artifact container and API key, and its schema dropped again on dispose: what the test
/// fixtures and the bench run against, so that neither touches a developer's data or each other's runs.
/// </summary>
public sealed class IsolatedLocalHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly string _ownerConnectionString;

    private IsolatedLocalHost(WebApplication app, string schema, (string Admin, string Operator, string Viewer) keys, HttpClient http, string ownerConnectionString)
    {
        _ownerConnectionString = ownerConnectionString;
        _app = app;
        Schema = schema;
        ApiKey = keys.Admin;
        OperatorKey = keys.Operator;
        ViewerKey = keys.Viewer;
        Http = http;
    }

    /// <summary>The name traces record for <see cref="OperatorKey"/>.</summary>
    public const string OperatorKeyName = "test-operator";

    /// <summary>The name traces record for <see cref="ViewerKey"/>.</summary>
    public const string ViewerKeyName = "test-viewer";

    /// <summary>A key with the operator role (start and cancel, not register).</summary>
    public string OperatorKey { get; }

    /// <summary>A key with the viewer role (read only).</summary>
    public string ViewerKey { get; }

    public static string PostgresConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
        ?? "Host=127.0.0.1;Port=5433;Username=postgres;Database=shipsec";

    /// <summary>
    /// The role that owns the schemas (migrations, dropping a test's schema): <c>ConnectionStrings__PostgresOwner</c>
    /// when scripts/services set one up, else the app's own connection (a single-role server).
    /// </summary>
    public static string PostgresOwnerConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__PostgresOwner") is { Length: > 0 } owner
        ? owner
        : PostgresConnectionString;

    public static string StorageConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__Storage")
        ?? "UseDevelopmentStorage=true";

    public IServiceProvider Services => _app.Services;

    public string Schema { get; }

    /// <summary>The admin API key (<c>Access:ApiKey</c>, named "default"); <see cref="Http"/> sends it.</summary>
    public string ApiKey { get; }

    /// <summary>Sends <see cref="ApiKey"/>; its base address is the host's.</summary>
    public HttpClient Http { get; }

    /// <summary>
    /// Starts a host on the <paramref name="backend"/> orchestration backend. Its schema, container and task hub
    /// are named from <paramref name="prefix"/> (lowercase letters) and a random suffix; <paramref name="settings"/>
    /// are added to its configuration last.
    /// </summary>
    public static async Task<IsolatedLocalHost> StartAsync(
        string backend, string prefix, TimeSpan requestTimeout, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var postgres = settings?.GetValueOrDefault("ConnectionStrings:Postgres") ?? PostgresConnectionString;
        var owner = settings?.GetValueOrDefault("ConnectionStrings:PostgresOwner") ?? PostgresOwnerConnectionString;
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var schema = $"{prefix}_{suffix}";
        var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var operatorKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var viewerKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var app = LocalHostApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = postgres,
                ["ConnectionStrings:PostgresOwner"] = owner,
                ["ConnectionStrings:Storage"] = StorageConnectionString,
                ["Postgres:Schema"] = schema,
                ["Artifacts:Container"] = $"{prefix}-{suffix}",
                ["DurableTask:Backend"] = backend,
                ["DurableTask:TaskHubName"] = $"{char.ToUpperInvariant(prefix[0])}{prefix[1..]}{suffix}",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Access:ApiKey"] = apiKey,
                ["Access:Keys:0:Name"] = OperatorKeyName,
                ["Access:Keys:0:Key"] = operatorKey,
                ["Access:Keys:0:Role"] = "operator",
                ["Access:Keys:1:Name"] = ViewerKeyName,
                ["Access:Keys:1:Key"] = viewerKey,
                ["Access:Keys:1:Role"] = "viewer",
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = requestTimeout };
        http.DefaultRequestHeaders.Add("x-functions-key", apiKey);
        return new IsolatedLocalHost(app, schema, (apiKey, operatorKey, viewerKey), http, owner);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await DeleteTaskHubAsync();
        await _app.DisposeAsync();
        await using var connection = new NpgsqlConnection(_ownerConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Deletes the host's task hub (its queues, tables and containers) from Azurite, as the schema is dropped from
    /// PostgreSQL. Azurite keeps every table in one database it saves whole, again and again: left behind, the task hubs of
    /// earlier tests and benches made every later storage call slower. Best effort: Azurite may be down (an outage test).
    /// </summary>
    private async Task DeleteTaskHubAsync()
    {
        if (_app.Services.GetService<DurableTask.Core.IOrchestrationService>() is DurableTask.AzureStorage.AzureStorageOrchestrationService storage)
        {
            try
            {
                await storage.DeleteAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
#pragma warning disable CA1031 // Cleaning up must not fail the test that used the host.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
