using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.RunControl;

/// <summary>Re-running a run, whole or resumed from a node, through the API as a user does.</summary>
public sealed class RerunTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    // `token` prints "-c" and a command line that echoes a random number; `echo` runs exactly that line, so its output
    // is the token's random number only when it was fed the token's recorded outputs.
    private const string TokenThenEcho = """
        { "id": "token-echo", "name": "token then echo", "nodes": [
          { "id": "token", "component": "core.exec", "inputs": { "command": "bash", "args": ["-c", "echo -c; echo \"echo r$RANDOM$RANDOM$RANDOM\""] } },
          { "id": "echo", "component": "core.exec", "inputs": { "command": "bash", "args": { "$ref": "token.lastLines" } } }
        ] }
        """;

    // a feeds b and c; c fails; d joins both, so it is skipped.
    private const string DiamondWithFailingBranch = """
        { "id": "diamond-fail", "name": "diamond", "nodes": [
          { "id": "a", "component": "core.log", "inputs": { "message": "a" } },
          { "id": "b", "component": "core.log", "inputs": { "message": "b" }, "dependsOn": ["a"] },
          { "id": "c", "component": "core.fail", "inputs": { "message": "c broke" }, "dependsOn": ["a"] },
          { "id": "d", "component": "core.log", "inputs": { "message": "d" }, "dependsOn": ["b", "c"] }
        ] }
        """;

    [Fact]
    public async Task A_rerun_runs_the_parents_workflow_version_again_and_names_its_parent()
    {
        var parentId = await host.StartRunAsync("""{ "id": "rerun-version", "name": "v1", "nodes": [ { "id": "first", "component": "core.log", "inputs": { "message": "v1" } } ] }""");
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(parentId)).Status);
        await RegisterAsync("""{ "id": "rerun-version", "name": "v2", "nodes": [ { "id": "second", "component": "core.log", "inputs": { "message": "v2" } } ] }""");

        var (status, body) = await RerunAsync(parentId);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(parentId, body.GetProperty("parentRunId").GetString());
        var childId = body.GetProperty("runId").GetString()!;
        var child = await host.WaitForEndAsync(childId);
        Assert.Equal(RunStatus.Completed, child.Status);
        Assert.Equal(1, child.WorkflowVersion);
        Assert.Equal(parentId, child.ParentRunId);
        Assert.Equal(new RunTrigger(RunTriggerKind.Rerun, ParentRunId: parentId), child.Trigger);
        Assert.Equal(RunTriggerKind.Api, (await host.GetStatusAsync(parentId)).Trigger.Kind);
        var trace = await host.GetTraceAsync(childId);
        Assert.Contains(trace, e => e is { Type: TraceEventType.NodeCompleted, NodeId: "first" });
        Assert.DoesNotContain(trace, e => e.NodeId == "second");

        var list = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/runs?workflowId=rerun-version", UriKind.Relative));
        var listed = list.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("runId").GetString() == childId);
        Assert.Equal(parentId, listed.GetProperty("parentRunId").GetString());
        Assert.Equal("rerun", listed.GetProperty("trigger").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_rerun_reuses_the_parents_input_values_secrets_included_without_revealing_them()
    {
        const string Secret = "s3cr3t-rerun-value";
        await RegisterAsync("""
            { "id": "rerun-inputs", "name": "inputs",
              "inputs": { "label": { "type": "string", "required": true }, "token": { "type": "string", "secret": true, "required": true } },
              "nodes": [ { "id": "check", "component": "core.exec", "inputs": { "command": "bash", "args": [
                "-c", "[ \"$0\" = s3cr3t-rerun-value ] && echo token-ok || echo token-wrong; echo \"label=$1\"",
                { "$input": "token" }, { "$input": "label" } ] } } ] }
            """);
        using var start = new StringContent($$"""{ "inputs": { "label": "hello", "token": "{{Secret}}" } }""", Encoding.UTF8, "application/json");
        using var started = await host.Http.PostAsync(new Uri("api/workflows/rerun-inputs/runs", UriKind.Relative), start);
        var parentId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(parentId)).Status);

        using var response = await host.Http.PostAsync(new Uri($"api/workflows/runs/{parentId}/rerun", UriKind.Relative), null);
        var answer = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var childId = JsonDocument.Parse(answer).RootElement.GetProperty("runId").GetString()!;
        var child = await host.WaitForEndAsync(childId);
        Assert.Equal(RunStatus.Completed, child.Status);
        Assert.Equal("hello", child.Inputs!["label"].GetString());
        Assert.Equal("***", child.Inputs["token"].GetString());
        var trace = await host.GetTraceAsync(childId);
        Assert.Equal(["token-ok", "label=hello"], LastLines(trace, "check"));
        Assert.DoesNotContain(Secret, answer, StringComparison.Ordinal);
        Assert.DoesNotContain(trace, e => JsonSerializer.Serialize(e, ShipSecJson.Options).Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, await host.Http.GetStringAsync(new Uri($"api/workflows/runs/{childId}/status", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resuming_from_a_node_does_not_execute_upstream_nodes_and_feeds_them_their_recorded_outputs()
    {
        var parentId = await host.StartRunAsync(TokenThenEcho);
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(parentId)).Status);
        var parentTrace = await host.GetTraceAsync(parentId);
        var token = LastLines(parentTrace, "token")[1]["echo ".Length..];
        Assert.Equal([token], LastLines(parentTrace, "echo"));

        var (status, body) = await RerunAsync(parentId, """{ "fromNode": "echo" }""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, body.GetProperty("reusedNodes").GetInt32());
        var childId = body.GetProperty("runId").GetString()!;
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(childId)).Status);
        var trace = await host.GetTraceAsync(childId);
        Assert.DoesNotContain(trace, e => e is { Type: TraceEventType.NodeStarted, NodeId: "token" });
        var reused = Assert.Single(trace, e => e.NodeId == "token");
        Assert.Equal(TraceEventType.NodeCompleted, reused.Type);
        Assert.Contains(parentId, reused.Message, StringComparison.Ordinal);
        Assert.Single(trace, e => e is { Type: TraceEventType.NodeStarted, NodeId: "echo" });
        Assert.Equal([token], LastLines(trace, "echo"));
        var state = await host.GetStateAsync(childId);
        Assert.All(state.Nodes, n => Assert.Equal(NodeStatus.Completed, n.Status));
    }

    [Fact]
    public async Task Resuming_a_failed_diamond_from_failed_executes_only_the_failed_branch()
    {
        var parentId = await host.StartRunAsync(DiamondWithFailingBranch);
        Assert.Equal(RunStatus.Failed, (await host.WaitForEndAsync(parentId)).Status);

        var (status, body) = await RerunAsync(parentId, """{ "from": "failed" }""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        var childId = body.GetProperty("runId").GetString()!;
        var child = await host.WaitForEndAsync(childId);
        Assert.Equal(RunStatus.Failed, child.Status);
        Assert.Equal("c", child.Failure!.NodeId);
        var trace = await host.GetTraceAsync(childId);
        Assert.Equal(["c"], trace.Where(e => e.Type == TraceEventType.NodeStarted).Select(e => e.NodeId!).ToArray());
        Assert.Equal(["a", "b"], trace.Where(e => e.Type == TraceEventType.NodeCompleted).Select(e => e.NodeId!).Order().ToArray());
        Assert.Contains(trace, e => e is { Type: TraceEventType.NodeSkipped, NodeId: "d" });
    }

    [Fact]
    public async Task A_resume_is_refused_naming_what_is_wrong()
    {
        var completedId = await host.StartRunAsync("""{ "id": "rerun-refusals", "name": "r", "nodes": [ { "id": "only", "component": "core.log", "inputs": { "message": "x" } } ] }""");
        await host.WaitForEndAsync(completedId);

        var unknownNode = await RerunAsync(completedId, """{ "fromNode": "ghost" }""");
        var notFailed = await RerunAsync(completedId, """{ "from": "failed" }""");
        var both = await RerunAsync(completedId, """{ "from": "failed", "fromNode": "only" }""");
        var noRun = await RerunAsync("no-such-run");

        Assert.Equal(HttpStatusCode.BadRequest, unknownNode.Status);
        Assert.Equal("/fromNode", unknownNode.Body.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Conflict, notFailed.Status);
        Assert.Equal(HttpStatusCode.BadRequest, both.Status);
        Assert.Equal("/from", both.Body.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, noRun.Status);
    }

    [Fact]
    public async Task The_cli_reruns_a_run_and_watches_the_new_one_to_its_end()
    {
        var parentId = await host.StartRunAsync("""{ "id": "rerun-cli", "name": "cli", "nodes": [ { "id": "only", "component": "core.log", "inputs": { "message": "x" } } ] }""");
        await host.WaitForEndAsync(parentId);

        var exit = await ShipSec.Cli.ShipSecCommandLine.InvokeAsync(["--url", host.BaseAddress.ToString(), "--api-key", host.ApiKey, "rerun", parentId, "--watch"]);

        Assert.Equal(ShipSec.Cli.ShipSecCommandLine.Success, exit);
        var runs = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/runs?workflowId=rerun-cli", UriKind.Relative));
        var child = Assert.Single(runs.GetProperty("runs").EnumerateArray(), r => r.TryGetProperty("parentRunId", out var p) && p.GetString() == parentId);
        Assert.Equal("completed", child.GetProperty("status").GetString());
    }

    private async Task RegisterAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> RerunAsync(string runId, string? json = null)
    {
        using var content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync(new Uri($"api/workflows/runs/{runId}/rerun", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(ShipSecJson.Options));
    }

    private static string[] LastLines(IReadOnlyList<TraceEvent> trace, string nodeId)
        => trace.Single(e => e.Type == TraceEventType.NodeCompleted && e.NodeId == nodeId).OutputSummary!.Value
            .GetProperty("lastLines").EnumerateArray().Select(l => l.GetString()!).ToArray();
}
