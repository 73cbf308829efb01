using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ShipSec.LocalHost;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.TestSupport;

/// <summary>
/// The real local host, started in-process on a free loopback port with its own PostgreSQL schema, task
/// hub and artifact container, so test classes never see each other's runs.
/// </summary>
public abstract class LocalHostFixture : IAsyncLifetime
{
    private readonly string schema = $"t_{Guid.NewGuid():N}";
    private WebApplication? app;

    /// <summary>The orchestration backend this fixture runs on.</summary>
    protected abstract string Backend { get; }

    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider Services => app!.Services;

    public string Schema => schema;

    /// <summary>The API key this host requires; <see cref="Http"/> sends it.</summary>
    public string ApiKey { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The host's base address.</summary>
    public Uri BaseAddress => Http.BaseAddress!;

    public static string PostgresConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
        ?? "Host=127.0.0.1;Port=5433;Username=postgres;Database=shipsec";

    public static string StorageConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__Storage")
        ?? "UseDevelopmentStorage=true";

    public async Task InitializeAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        app = LocalHostApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = PostgresConnectionString,
                ["ConnectionStrings:Storage"] = StorageConnectionString,
                ["Postgres:Schema"] = schema,
                ["Artifacts:Container"] = $"t-{suffix}",
                ["DurableTask:Backend"] = Backend,
                ["DurableTask:TaskHubName"] = $"T{suffix}",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Access:ApiKey"] = ApiKey,
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Registers a workflow (JSON text) and starts a run of it; returns the run id.</summary>
    public async Task<string> StartRunAsync(string workflowJson)
    {
        using var content = new StringContent(workflowJson, Encoding.UTF8, "application/json");
        using var created = await Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var workflowId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        using var started = await Http.PostAsync(new Uri($"api/workflows/{workflowId}/runs", UriKind.Relative), null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        return JsonNode.Parse(await started.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
    }

    public async Task<RunSummary> GetStatusAsync(string runId)
        => (await Http.GetFromJsonAsync<RunSummary>(new Uri($"api/workflows/runs/{runId}/status", UriKind.Relative), ShipSecJson.Options))!;

    /// <summary>Waits until the run reaches a final status, or fails the test at the deadline.</summary>
    public async Task<RunSummary> WaitForEndAsync(string runId, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(60));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (true)
        {
            var summary = await GetStatusAsync(runId);
            if (summary.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled)
            {
                return summary;
            }

            try
            {
                await poll.WaitForNextTickAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Run {runId} did not end in time; last status {summary.Status}.");
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the run's trace, or fails the test at the deadline.</summary>
    public Task<IReadOnlyList<TraceEvent>> WaitForTraceAsync(string runId, Func<IReadOnlyList<TraceEvent>, bool> condition, TimeSpan? deadline = null)
        => RunTraces.WaitForAsync(Http, runId, condition, deadline ?? TimeSpan.FromSeconds(60));

    /// <summary>The whole trace, paging through the API.</summary>
    public Task<IReadOnlyList<TraceEvent>> GetTraceAsync(string runId) => RunTraces.ReadAllAsync(Http, runId);
}

/// <summary>The local host on the in-memory orchestration backend: fast, for behaviour tests.</summary>
public sealed class InMemoryLocalHostFixture : LocalHostFixture
{
    protected override string Backend => "InMemory";
}

/// <summary>The local host on the Azure Storage backend against Azurite: the default, durable shape.</summary>
public sealed class AzuriteLocalHostFixture : LocalHostFixture
{
    protected override string Backend => "AzureStorage";
}
