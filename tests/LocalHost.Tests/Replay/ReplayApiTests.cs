using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ShipSec.Cli;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Replay;

/// <summary>
/// State at any moment, diff and timeline over a real local host running real workflows. Expected states of a
/// hand-written trace are in <see cref="ScenarioStateTests"/>; here, what the API answers at a moment or from
/// snapshots must equal what it answers folding from scratch.
/// </summary>
public sealed class ReplayApiTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private const string TwoNodes = """
        { "id": "replay-two", "name": "two", "nodes": [
          { "id": "a", "component": "core.log", "inputs": { "message": "hello", "count": 5 } },
          { "id": "b", "component": "core.log", "inputs": { "message": "after" }, "dependsOn": ["a"] } ] }
        """;

    private static string Json(object value) => JsonSerializer.Serialize(value, ShipSecJson.Options);

    private static RunState Fold(string runId, string workflowId, IReadOnlyList<string> nodes, IEnumerable<TraceEvent> events)
    {
        var folder = new RunStateFolder(runId, workflowId, nodes);
        foreach (var traceEvent in events)
        {
            folder.Apply(traceEvent);
        }

        return folder.State();
    }

    [Fact]
    public async Task The_state_at_a_moment_between_two_events_is_the_earlier_ones()
    {
        var runId = await host.StartRunAsync(TwoNodes);
        await host.WaitForEndAsync(runId);
        var trace = await host.GetTraceAsync(runId);

        // A moment while node a was running, strictly between two events' timestamps.
        var folder = new RunStateFolder(runId, "replay-two", ["a", "b"]);
        for (var i = 0; i < trace.Count - 1; i++)
        {
            folder.Apply(trace[i]);
            var gap = trace[i + 1].Timestamp - trace[i].Timestamp;
            if (folder.State().Nodes[0].Status != NodeStatus.Running || gap < TimeSpan.FromMicroseconds(4))
            {
                continue;
            }

            var at = trace[i].Timestamp + (gap / 2);
            var state = await host.GetStateAsync(runId, $"?at={Uri.EscapeDataString(at.ToString("O"))}");
            Assert.Equal(trace[i].Sequence, state.Sequence);
            Assert.Equal(NodeStatus.Running, state.Nodes.Single(n => n.NodeId == "a").Status);
            Assert.Equal(NodeStatus.Idle, state.Nodes.Single(n => n.NodeId == "b").Status);
            return;
        }

        Assert.Fail("No two events of node a's run were far enough apart to fall between.");
    }

    [Fact]
    public async Task A_long_run_is_answered_from_snapshots_exactly_as_folding_from_scratch()
    {
        var runId = "synthetic-" + Guid.NewGuid().ToString("N");
        // Whole milliseconds: PostgreSQL keeps microseconds, so the stored events equal the generated ones.
        var start = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());
        await host.Services.GetRequiredService<IRunStore>().CreateAsync(new NewRun(runId, "synthetic", 1, 3, start));
        var events = SyntheticRunTrace.Generate(runId, ["scan", "probe", "report"], 30_000, start).ToList();
        var store = host.Services.GetRequiredService<ITraceStore>();
        foreach (var batch in events.Chunk(5000))
        {
            await store.AppendAsync(batch.Select(e => e with { Sequence = 0 }).ToList());
        }

        var first = await host.GetStateAsync(runId, "?sequence=17321");
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var count = dataSource.CreateCommand("SELECT array_agg(sequence ORDER BY sequence) FROM trace_snapshots WHERE run_id = $1"))
        {
            count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
            var snapshots = (long[])(await count.ExecuteScalarAsync())!;
            Assert.Equal(new long[] { 5000, 10000, 15000 }, snapshots);
        }

        var fromSnapshot = await host.GetStateAsync(runId, "?sequence=17321");
        var fromScratch = Fold(runId, "synthetic", [], events.Take(17321));
        Assert.Equal(Json(fromScratch), Json(first));
        Assert.Equal(Json(fromScratch), Json(fromSnapshot));
        Assert.Equal(17321, fromSnapshot.Sequence);

        var latest = await host.GetStateAsync(runId);
        Assert.Equal(Json(Fold(runId, "synthetic", [], events)), Json(latest));
        Assert.Equal(RunStatus.Completed, latest.Status);
    }

    [Fact]
    public async Task A_diff_finds_the_added_node_and_the_changed_output()
    {
        var v1 = await host.StartRunAsync("""{ "id": "replay-diff", "name": "d", "nodes": [ { "id": "a", "component": "core.log", "inputs": { "message": "m", "count": 3 } } ] }""");
        await host.WaitForEndAsync(v1);
        var v2 = await host.StartRunAsync("""
            { "id": "replay-diff", "name": "d", "nodes": [
              { "id": "a", "component": "core.log", "inputs": { "message": "m", "count": 4 } },
              { "id": "extra", "component": "core.log", "inputs": { "message": "new" } } ] }
            """);
        await host.WaitForEndAsync(v2);

        var diff = (await host.Http.GetFromJsonAsync<RunDiff>(new Uri($"api/workflows/runs/{v1}/diff/{v2}", UriKind.Relative), ShipSecJson.Options))!;
        Assert.False(diff.Identical);
        var added = Assert.Single(diff.Nodes, n => n.NodeId == "extra");
        Assert.Equal(NodeChange.Added, added.Change);
        Assert.Equal(NodeStatus.Completed, added.Status!.After);
        var changed = Assert.Single(diff.Nodes, n => n.NodeId == "a");
        Assert.Equal(NodeChange.Changed, changed.Change);
        Assert.Equal(3, changed.OutputSummary!.Before!.Value.GetProperty("count").GetInt32());
        Assert.Equal(4, changed.OutputSummary.After!.Value.GetProperty("count").GetInt32());
        Assert.Equal((3, 4), (changed.Logs.A, changed.Logs.B));
        Assert.NotNull(changed.Logs.FirstDivergence);

        // The timeline lists both runs, oldest first, with the version each used.
        var timeline = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/replay-diff/runs/timeline", UriKind.Relative));
        var runs = timeline.GetProperty("runs").EnumerateArray().Select(r => (r.GetProperty("runId").GetString(), r.GetProperty("workflowVersion").GetInt32())).ToList();
        Assert.Equal([(v1, 1), (v2, 2)], runs);
        Assert.Equal(2, (await host.GetStatusAsync(v2)).WorkflowVersion);

        // The version a run used stays readable.
        var version1 = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/replay-diff/versions/1", UriKind.Relative));
        Assert.Equal(1, version1.GetProperty("definition").GetProperty("nodes").GetArrayLength());

        // The CLI says so with its exit code (identical runs: ScenarioStateTests).
        string[] Args(params string[] rest) => ["--url", host.BaseAddress.ToString(), "--api-key", host.ApiKey, .. rest];
        Assert.Equal(ReplayCommands.RunsDiffer, await ShipSecCommandLine.InvokeAsync(Args("diff", v1, v2)));
        Assert.Equal(ShipSecCommandLine.RequestFailed, await ShipSecCommandLine.InvokeAsync(Args("diff", v1, "no-such-run")));

        using var output = new StringWriter();
        Assert.Equal(ShipSecCommandLine.Success, await ShipSecCommandLine.InvokeAsync(Args("state", v2, "--sequence", "2", "--json"), output));
        var printed = JsonSerializer.Deserialize<RunState>(output.ToString(), ShipSecJson.Options)!;
        Assert.Equal(2, printed.Sequence);
        Assert.Equal(v2, printed.RunId);
    }

    [Theory]
    [InlineData("?at=yesterday", "?at")]
    [InlineData("?sequence=-1", "?sequence")]
    [InlineData("?sequence=1&at=2026-01-01T00:00:00Z", "?sequence")]
    public async Task A_malformed_moment_is_a_problem_naming_the_parameter(string query, string field)
    {
        var runId = await host.StartRunAsync("""{ "id": "replay-bad", "name": "b", "nodes": [ { "id": "a", "component": "core.log", "inputs": { "message": "x" } } ] }""");
        using var response = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/state{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("api/workflows/runs/no-such-run/state")]
    [InlineData("api/workflows/runs/no-such-run/diff/other")]
    [InlineData("api/workflows/no-such-workflow/versions/1")]
    [InlineData("api/workflows/no-such-workflow/runs/timeline")]
    public async Task Unknown_runs_and_workflows_are_404(string path)
    {
        using var response = await host.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
