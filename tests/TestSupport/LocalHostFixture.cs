using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.TestSupport;

/// <summary>
/// The real local host, started in-process on a free loopback port with its own PostgreSQL schema, task
/// hub and artifact container, so test classes never see each other's runs.
/// </summary>
public abstract class LocalHostFixture : IAsyncLifetime
{
    private IsolatedLocalHost? host;

    /// <summary>The orchestration backend this fixture runs on.</summary>
    protected abstract string Backend { get; }

    private IsolatedLocalHost Host => host ?? throw new InvalidOperationException("The fixture has not started its host.");

    public HttpClient Http => Host.Http;

    public IServiceProvider Services => Host.Services;

    public string Schema => Host.Schema;

    /// <summary>The API key this host requires; <see cref="Http"/> sends it.</summary>
    public string ApiKey => Host.ApiKey;

    /// <summary>A key with the operator role (<see cref="IsolatedLocalHost.OperatorKeyName"/>).</summary>
    public string OperatorKey => Host.OperatorKey;

    /// <summary>A key with the viewer role (<see cref="IsolatedLocalHost.ViewerKeyName"/>).</summary>
    public string ViewerKey => Host.ViewerKey;

    /// <summary>The host's base address.</summary>
    public Uri BaseAddress => Http.BaseAddress!;

    public static string PostgresConnectionString => IsolatedLocalHost.PostgresConnectionString;

    public static string StorageConnectionString => IsolatedLocalHost.StorageConnectionString;

    public async Task InitializeAsync() => host = await IsolatedLocalHost.StartAsync(Backend, "t", TimeSpan.FromSeconds(30), Settings);

    /// <summary>Configuration added on top of the local host's own (null: its defaults).</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
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

    /// <summary><c>GET …/state</c> of the run, with <paramref name="query"/> (e.g. <c>?sequence=4</c>) appended.</summary>
    public async Task<RunState> GetStateAsync(string runId, string query = "")
        => (await Http.GetFromJsonAsync<RunState>(new Uri($"api/workflows/runs/{runId}/state{query}", UriKind.Relative), ShipSecJson.Options))!;

    /// <summary>Asks the run to stop, as a user does, and checks the request was accepted.</summary>
    public async Task CancelAsync(string runId)
    {
        using var response = await Http.PostAsync(new Uri($"api/workflows/runs/{runId}/cancel", UriKind.Relative), null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
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

/// <summary>The in-memory local host with its scope narrowed to 127.0.0.1/32, so 127.0.0.2 is out of scope.</summary>
public sealed class NarrowScopeLocalHostFixture : LocalHostFixture
{
    protected override string Backend => "InMemory";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Scope:Allowed:0"] = "127.0.0.1/32" };
}

/// <summary>The in-memory local host with <c>core.exec</c> turned off, as a deployment that does not enable it.</summary>
public sealed class ExecDisabledLocalHostFixture : LocalHostFixture
{
    protected override string Backend => "InMemory";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Components:Exec:Enabled"] = "false" };
}

/// <summary>The local host on the Azure Storage backend against Azurite: the default, durable shape.</summary>
public sealed class AzuriteLocalHostFixture : LocalHostFixture
{
    protected override string Backend => "AzureStorage";
}
