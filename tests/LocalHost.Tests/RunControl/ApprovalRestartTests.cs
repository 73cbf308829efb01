using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.RunControl;

/// <summary>An approval step waits durably: the host may die while it waits, and a decision after the restart completes it.</summary>
public sealed class ApprovalRestartTests : IAsyncLifetime
{
    private readonly LocalHostProcess host = LocalHostProcess.OnAzurite("Approval");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_decision_made_after_the_host_was_killed_while_waiting_completes_the_step()
    {
        await host.StartAsync(TimeSpan.FromSeconds(60));
        using var workflow = new StringContent("""
            { "id": "approve-restart", "name": "approval", "nodes": [
              { "id": "gate", "component": "core.approval", "inputs": { "message": "Ship it?", "timeoutSeconds": 600 } },
              { "id": "after", "component": "core.log", "inputs": { "message": "shipped" }, "dependsOn": ["gate"] } ] }
            """, Encoding.UTF8, "application/json");
        using var created = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), workflow);
        created.EnsureSuccessStatusCode();
        using var started = await host.Http.PostAsync(new Uri("api/workflows/approve-restart/runs", UriKind.Relative), null);
        var runId = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
        await RunTraces.WaitForAsync(host.Http, runId, t => t.Any(e => e.Type == TraceEventType.NodeAwaitingInput), TimeSpan.FromSeconds(60));

        await host.KillHardAsync();
        await host.StartAsync(TimeSpan.FromSeconds(60));
        using var decision = new StringContent("""{ "approve": true, "comment": "after the restart" }""", Encoding.UTF8, "application/json");
        using var decided = await host.Http.PostAsync(new Uri($"api/workflows/runs/{runId}/nodes/gate/decision", UriKind.Relative), decision);

        Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        var trace = await RunTraces.WaitForAsync(
            host.Http, runId, t => t.Any(e => e is { Type: TraceEventType.WorkflowStatus, Status: RunStatus.Completed or RunStatus.Failed }), TimeSpan.FromSeconds(120));
        var summary = await host.Http.GetFromJsonAsync<RunSummary>(new Uri($"api/workflows/runs/{runId}/status", UriKind.Relative), ShipSecJson.Options);
        Assert.Equal(RunStatus.Completed, summary!.Status);
        Assert.Single(trace, e => e is { Type: TraceEventType.NodeAwaitingInput, NodeId: "gate" });
        Assert.Contains(trace, e => e is { Type: TraceEventType.NodeCompleted, NodeId: "gate" } && e.Message!.Contains("after the restart", StringComparison.Ordinal));
        Assert.Contains(trace, e => e is { Type: TraceEventType.NodeCompleted, NodeId: "after" });
    }
}
