using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests;

/// <summary>
/// A dependency outage is a delay, not a failure: a node printing lines while PostgreSQL (or Azurite) is down for
/// 20 s keeps running, every line reaches the trace once and in order when the dependency is back, the run
/// completes, and the API answers 503 problem+json with Retry-After meanwhile. Each test stops only a server of its
/// own (scripts/services in a temporary data directory; an Azurite process of its own).
/// </summary>
public sealed class OutageTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    private const int Lines = 300;

    // 300 lines 0.1 s apart: the program runs through the whole outage and past it.
    private static readonly string PrintingWorkflow = $$"""
        {
          "id": "outage-{{Guid.NewGuid():N}}",
          "name": "Prints through an outage",
          "nodes": [
            { "id": "printer", "component": "core.exec",
              "inputs": { "command": "bash", "args": ["-c", "for i in $(seq 1 {{Lines}}); do echo \"line $i\"; sleep 0.1; done"] } }
          ]
        }
        """;

    [Fact]
    public async Task A_run_outlives_a_20_second_PostgreSQL_outage_with_every_line_stored_once()
    {
        await using var postgres = await OwnPostgres.StartAsync();
        await using var host = await IsolatedLocalHost.StartAsync("InMemory", "outpg", TimeSpan.FromSeconds(30), new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres.AppConnectionString,
            ["ConnectionStrings:PostgresOwner"] = postgres.OwnerConnectionString,
        });
        var runId = await StartRunAsync(host.Http, PrintingWorkflow);
        await RunTraces.WaitForAsync(host.Http, runId, trace => trace.Count(e => e.Type == TraceEventType.NodeLog) >= 10, TimeSpan.FromSeconds(60));

        await postgres.StopAsync();
        var during = await CallsDuringOutageAsync(host.Http, runId, "postgres");
        await postgres.StartAgainAsync();

        var summary = await WaitForEndAsync(host.Http, runId, TimeSpan.FromSeconds(120));
        Assert.Equal(RunStatus.Completed, summary.Status);
        AssertEveryLineOnceInOrder(await RunTraces.ReadAllAsync(host.Http, runId));
        AssertAllServiceUnavailable(during);

        // Nothing fails on what the restart broke (pooled connections it cut): a new run goes through.
        var after = await StartRunAsync(host.Http, """{ "id": "after-outage", "name": "After the outage", "nodes": [ { "id": "a", "component": "core.log", "inputs": { "message": "back" } } ] }""");
        Assert.Equal(RunStatus.Completed, (await WaitForEndAsync(host.Http, after, TimeSpan.FromSeconds(60))).Status);

        // The app's role (scripts/services' shipsec_app) cannot rewrite the trace; the owner's schema grants it rows only.
        await using var app = new NpgsqlConnection(postgres.AppConnectionString);
        await app.OpenAsync();
        await using var update = new NpgsqlCommand($"""UPDATE "{host.Schema}".trace_events SET message = 'forged' WHERE run_id = $1""", app) { Parameters = { new() { Value = runId } } };
        var refused = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        await using var delete = new NpgsqlCommand($"""DELETE FROM "{host.Schema}".trace_events""", app);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync())).SqlState);
        await using var passwordless = new NpgsqlConnection($"Host=127.0.0.1;Port={postgres.Port};Username=postgres;Database=shipsec");
        Assert.IsType<NpgsqlException>(await Assert.ThrowsAnyAsync<NpgsqlException>(() => passwordless.OpenAsync()), exactMatch: false);
    }

    [Fact]
    public async Task A_run_outlives_a_20_second_Azurite_outage_with_every_line_stored_once()
    {
        await using var azurite = await OwnAzurite.StartAsync();
        await using var host = await IsolatedLocalHost.StartAsync("AzureStorage", "outaz", TimeSpan.FromSeconds(60), new Dictionary<string, string?>
        {
            ["ConnectionStrings:Storage"] = azurite.ConnectionString,
            ["DurableTask:ConnectionString"] = azurite.ConnectionString,
        });
        var runId = await StartRunAsync(host.Http, PrintingWorkflow);
        await RunTraces.WaitForAsync(host.Http, runId, trace => trace.Count(e => e.Type == TraceEventType.NodeLog) >= 10, TimeSpan.FromSeconds(60));

        await azurite.StopAsync();
        var during = await CallsDuringOutageAsync(host.Http, runId, "storage");
        await azurite.StartAgainAsync();

        var summary = await WaitForEndAsync(host.Http, runId, TimeSpan.FromSeconds(120));
        Assert.Equal(RunStatus.Completed, summary.Status);
        AssertEveryLineOnceInOrder(await RunTraces.ReadAllAsync(host.Http, runId));
        AssertAllServiceUnavailable(during);
    }

    /// <summary>
    /// For the length of the outage (the scenario itself, not a wait for something), keeps asking what a user would:
    /// readiness, and starting a run (which needs both dependencies). Returns every answer.
    /// </summary>
    private static async Task<List<(string Call, HttpStatusCode Status, string? RetryAfter, string? ContentType, JsonNode? Body)>> CallsDuringOutageAsync(
        HttpClient http, string runId, string dependency)
    {
        var answers = new List<(string Call, HttpStatusCode Status, string? RetryAfter, string? ContentType, JsonNode? Body)>();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(2));
        while (outage.Elapsed < Outage)
        {
            foreach (var (call, request) in new (string, Func<HttpRequestMessage>)[]
            {
                ("health", () => new HttpRequestMessage(HttpMethod.Get, "api/health")),
                ("start", () => new HttpRequestMessage(HttpMethod.Post, $"api/workflows/{WorkflowIdOf(PrintingWorkflow)}/runs")),
            })
            {
                using var response = await http.SendAsync(request());
                var text = await response.Content.ReadAsStringAsync();
                answers.Add((call, response.StatusCode, response.Headers.RetryAfter?.ToString(), response.Content.Headers.ContentType?.MediaType,
                    text.Length > 0 ? JsonNode.Parse(text) : null));
            }

            await pace.WaitForNextTickAsync();
        }

        Assert.All(answers, a => Assert.Contains($"/dependencies/{dependency}", a.Body?["errors"]?.ToJsonString() ?? "", StringComparison.Ordinal));
        return answers;
    }

    private static void AssertAllServiceUnavailable(List<(string Call, HttpStatusCode Status, string? RetryAfter, string? ContentType, JsonNode? Body)> answers)
    {
        Assert.Contains(answers, a => a.Call == "start");
        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status);
            Assert.Equal("application/problem+json", a.ContentType);
            Assert.False(string.IsNullOrEmpty(a.RetryAfter), $"{a.Call} answered 503 without Retry-After");
            Assert.Equal("urn:shipsec:problem:dependency-unavailable", a.Body?["type"]?.GetValue<string>());
        });
    }

    private static void AssertEveryLineOnceInOrder(IReadOnlyList<TraceEvent> trace)
    {
        Assert.Equal(Enumerable.Range(1, trace.Count).Select(i => (long)i), trace.Select(e => e.Sequence));
        var lines = trace.Where(e => e.Type == TraceEventType.NodeLog && e.Message?.StartsWith("line ", StringComparison.Ordinal) == true).Select(e => e.Message).ToList();
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => $"line {i}"), lines);
        Assert.Equal(trace.Count(e => e.Type == TraceEventType.NodeStarted), trace.Count(e => e.Type is TraceEventType.NodeCompleted or TraceEventType.NodeFailed));
        Assert.DoesNotContain(trace, e => e.Message?.StartsWith("Trace buffer full", StringComparison.Ordinal) == true);
    }

    private static string WorkflowIdOf(string workflowJson) => JsonNode.Parse(workflowJson)!["id"]!.GetValue<string>();

    private static async Task<string> StartRunAsync(HttpClient http, string workflowJson)
    {
        using var content = new StringContent(workflowJson, Encoding.UTF8, "application/json");
        using var created = await http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        using var started = await http.PostAsync(new Uri($"api/workflows/{WorkflowIdOf(workflowJson)}/runs", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return JsonNode.Parse(await started.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
    }

    private static async Task<RunSummary> WaitForEndAsync(HttpClient http, string runId, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"api/workflows/runs/{runId}/status", UriKind.Relative));
            if (response.IsSuccessStatusCode
                && await response.Content.ReadFromJsonAsync<RunSummary>(ShipSecJson.Options) is { Status: RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled } summary)
            {
                return summary;
            }

            try
            {
                await poll.WaitForNextTickAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Run {runId} did not end in time.");
            }
        }
    }
}
