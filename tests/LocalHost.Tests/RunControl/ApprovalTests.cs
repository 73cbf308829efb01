using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ShipSec.Functions.Http;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.RunControl;

/// <summary>core.approval: a node that waits for a person's decision, decided through the API as a user does.</summary>
public sealed class ApprovalTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private static string Workflow(string id, int timeoutSeconds) => $$"""
        { "id": "{{id}}", "name": "approval", "nodes": [
          { "id": "gate", "component": "core.approval", "inputs": { "message": "Ship it?", "timeoutSeconds": {{timeoutSeconds}} } },
          { "id": "after", "component": "core.log", "inputs": { "message": "shipped" }, "dependsOn": ["gate"] }
        ] }
        """;

    [Fact]
    public async Task An_approved_step_waits_shows_waiting_then_completes_naming_who_decided_and_why()
    {
        var runId = await host.StartRunAsync(Workflow("approve-yes", 600));
        var waiting = await host.WaitForTraceAsync(runId, t => t.Any(e => e.Type == TraceEventType.NodeAwaitingInput));
        Assert.Contains("Ship it?", waiting.Single(e => e.Type == TraceEventType.NodeAwaitingInput).Message, StringComparison.Ordinal);
        Assert.Equal(NodeStatus.Waiting, (await host.GetStateAsync(runId)).Nodes.Single(n => n.NodeId == "gate").Status);
        var status = await host.GetStatusAsync(runId);
        Assert.Equal(1, status.Progress.NodesWaiting);
        Assert.Equal(RunStatus.Running, status.Status);

        var (decided, _) = await DecideAsync(runId, "gate", """{ "approve": true, "comment": "looks good" }""");
        var summary = await host.WaitForEndAsync(runId);
        var again = await DecideAsync(runId, "gate", """{ "approve": false }""");

        Assert.Equal(HttpStatusCode.Accepted, decided);
        Assert.Equal(RunStatus.Completed, summary.Status);
        var trace = await host.GetTraceAsync(runId);
        var approved = Assert.Single(trace, e => e is { Type: TraceEventType.NodeCompleted, NodeId: "gate" });
        Assert.Contains($"'{AccessOptions.DefaultKeyName}'", approved.Message, StringComparison.Ordinal);
        Assert.Contains("looks good", approved.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(trace, e => e is { Type: TraceEventType.NodeStarted, NodeId: "gate" });
        Assert.Contains(trace, e => e is { Type: TraceEventType.NodeCompleted, NodeId: "after" });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
    }

    [Fact]
    public async Task A_rejected_step_fails_with_kind_rejected_and_skips_what_follows()
    {
        var runId = await host.StartRunAsync(Workflow("approve-no", 600));
        await host.WaitForTraceAsync(runId, t => t.Any(e => e.Type == TraceEventType.NodeAwaitingInput));

        using var operatorClient = new HttpClient { BaseAddress = host.BaseAddress };
        operatorClient.DefaultRequestHeaders.Add("x-functions-key", host.OperatorKey);
        using var content = new StringContent("""{ "approve": false, "comment": "not today" }""", Encoding.UTF8, "application/json");
        using var decided = await operatorClient.PostAsync(new Uri($"api/workflows/runs/{runId}/nodes/gate/decision", UriKind.Relative), content);
        var summary = await host.WaitForEndAsync(runId);

        Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        Assert.Equal(RunStatus.Failed, summary.Status);
        Assert.Equal("gate", summary.Failure!.NodeId);
        var trace = await host.GetTraceAsync(runId);
        var rejected = Assert.Single(trace, e => e is { Type: TraceEventType.NodeFailed, NodeId: "gate" });
        Assert.Equal("rejected", rejected.Error!.Kind);
        Assert.Contains($"'{IsolatedLocalHost.OperatorKeyName}'", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("not today", rejected.Message, StringComparison.Ordinal);
        Assert.Contains(trace, e => e is { Type: TraceEventType.NodeSkipped, NodeId: "after" });
    }

    [Fact]
    public async Task A_step_nobody_decides_in_time_fails_with_kind_approval_timeout()
    {
        var runId = await host.StartRunAsync(Workflow("approve-late", 1));

        var summary = await host.WaitForEndAsync(runId);

        Assert.Equal(RunStatus.Failed, summary.Status);
        var failed = Assert.Single(await host.GetTraceAsync(runId), e => e is { Type: TraceEventType.NodeFailed, NodeId: "gate" });
        Assert.Equal("approval-timeout", failed.Error!.Kind);
    }

    [Fact]
    public async Task A_decision_for_a_node_that_is_not_waiting_is_a_409_and_one_without_approve_a_400()
    {
        var runId = await host.StartRunAsync(Workflow("approve-wrong", 600));
        await host.WaitForTraceAsync(runId, t => t.Any(e => e.Type == TraceEventType.NodeAwaitingInput));

        var notWaiting = await DecideAsync(runId, "after", """{ "approve": true }""");
        var noApprove = await DecideAsync(runId, "gate", """{ "comment": "?" }""");
        await host.CancelAsync(runId);

        Assert.Equal(HttpStatusCode.Conflict, notWaiting.Status);
        Assert.Equal(HttpStatusCode.BadRequest, noApprove.Status);
        Assert.Equal("/approve", noApprove.Body.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(RunStatus.Cancelled, (await host.WaitForEndAsync(runId)).Status);
    }

    [Fact]
    public async Task The_cli_approves_a_waiting_step_and_is_refused_for_one_that_is_not_waiting()
    {
        var runId = await host.StartRunAsync(Workflow("approve-cli", 600));
        await host.WaitForTraceAsync(runId, t => t.Any(e => e.Type == TraceEventType.NodeAwaitingInput));
        string[] Cli(string verb, string node) => ["--url", host.BaseAddress.ToString(), "--api-key", host.ApiKey, verb, runId, node, "--comment", "from the cli"];

        var refused = await ShipSec.Cli.ShipSecCommandLine.InvokeAsync(Cli("reject", "after"));
        var approved = await ShipSec.Cli.ShipSecCommandLine.InvokeAsync(Cli("approve", "gate"));

        Assert.Equal(ShipSec.Cli.ShipSecCommandLine.RequestFailed, refused);
        Assert.Equal(ShipSec.Cli.ShipSecCommandLine.Success, approved);
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(runId)).Status);
        Assert.Contains(await host.GetTraceAsync(runId), e => e is { Type: TraceEventType.NodeCompleted, NodeId: "gate" } && e.Message!.Contains("from the cli", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_step_that_names_its_approvers_takes_a_decision_only_from_them()
    {
        var runId = await host.StartRunAsync($$"""
            { "id": "approve-named", "name": "approval", "nodes": [
              { "id": "gate", "component": "core.approval", "inputs": { "message": "Ship it?", "approvers": ["{{IsolatedLocalHost.OperatorKeyName}}"] } } ] }
            """);
        await host.WaitForTraceAsync(runId, t => t.Any(e => e.Type == TraceEventType.NodeAwaitingInput));

        var stranger = await DecideAsync(runId, "gate", """{ "approve": true }""");
        using var operatorClient = new HttpClient { BaseAddress = host.BaseAddress };
        operatorClient.DefaultRequestHeaders.Add("x-functions-key", host.OperatorKey);
        using var content = new StringContent("""{ "approve": true }""", Encoding.UTF8, "application/json");
        using var approver = await operatorClient.PostAsync(new Uri($"api/workflows/runs/{runId}/nodes/gate/decision", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.Forbidden, stranger.Status);
        Assert.Equal("not-an-approver", stranger.Body.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Accepted, approver.StatusCode);
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(runId)).Status);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> DecideAsync(string runId, string nodeId, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync(new Uri($"api/workflows/runs/{runId}/nodes/{nodeId}/decision", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(ShipSecJson.Options));
    }
}
