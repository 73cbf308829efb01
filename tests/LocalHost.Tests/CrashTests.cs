using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests;

/// <summary>
/// kill -9 of the local host in the middle of a node, on the Azurite backend: after a restart the run
/// finishes, its trace is gapless with no duplicate id, the interrupted attempt shows its second start,
/// and no node that had completed runs again.
/// </summary>
public sealed class CrashTests : IAsyncLifetime
{
    private readonly LocalHostProcess host = LocalHostProcess.OnAzurite("Crash");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_run_survives_a_kill_of_its_host_in_the_middle_of_a_node()
    {
        await host.StartAsync(TimeSpan.FromSeconds(60));
        var runId = await StartRunAsync("""
            { "id": "crash", "name": "crash", "nodes": [
              { "id": "before", "component": "core.log", "inputs": { "message": "done before the crash" } },
              { "id": "slow", "component": "core.exec", "dependsOn": ["before"],
                "inputs": { "command": "bash", "args": ["-c", "echo working; sleep 3; echo finished"] } },
              { "id": "after", "component": "core.log", "inputs": { "message": "done after the restart" }, "dependsOn": ["slow"] } ] }
            """);
        await RunTraces.WaitForAsync(host.Http, runId, trace => trace.Any(e => e is { NodeId: "slow", Type: TraceEventType.NodeLog, Message: "working" }), TimeSpan.FromSeconds(60));

        await host.KillHardAsync();
        await host.StartAsync(TimeSpan.FromSeconds(60));

        var trace = await RunTraces.WaitForAsync(
            host.Http,
            runId, t => t.Any(e => e is { Type: TraceEventType.WorkflowStatus, Status: RunStatus.Completed or RunStatus.Failed }), TimeSpan.FromSeconds(120));
        var summary = await host.Http.GetFromJsonAsync<RunSummary>(new Uri($"api/workflows/runs/{runId}/status", UriKind.Relative), ShipSecJson.Options);

        Assert.Equal(RunStatus.Completed, summary!.Status);
        Assert.Equal(Enumerable.Range(1, trace.Count).Select(i => (long)i), trace.Select(e => e.Sequence));
        Assert.Equal(trace.Count, trace.Select(e => e.Id).Distinct().Count());
        Assert.Single(trace, e => e is { NodeId: "before", Type: TraceEventType.NodeStarted });
        var slowStarts = trace.Where(e => e is { NodeId: "slow", Type: TraceEventType.NodeStarted }).ToList();
        Assert.Equal(2, slowStarts.Count);
        // The second start is told apart by its own ids; the fold counts the deliveries.
        var folder = new ShipSec.Shared.Replay.RunStateFolder(runId, "crash", ["before", "slow", "after"]);
        foreach (var traceEvent in trace)
        {
            folder.Apply(traceEvent);
        }

        Assert.Equal(2, folder.State().Nodes.Single(n => n.NodeId == "slow").Deliveries);
        Assert.Single(trace, e => e is { NodeId: "slow", Type: TraceEventType.NodeCompleted });
        Assert.Contains(trace, e => e is { NodeId: "slow", Message: "finished" });
        Assert.Single(trace, e => e is { NodeId: "after", Type: TraceEventType.NodeCompleted });
    }

    private async Task<string> StartRunAsync(string workflowJson)
    {
        using var content = new StringContent(workflowJson, Encoding.UTF8, "application/json");
        using var created = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        created.EnsureSuccessStatusCode();
        using var started = await host.Http.PostAsync(new Uri("api/workflows/crash/runs", UriKind.Relative), null);
        started.EnsureSuccessStatusCode();
        return JsonNode.Parse(await started.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
    }
}
