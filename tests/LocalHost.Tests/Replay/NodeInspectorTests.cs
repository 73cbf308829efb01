using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShipSec.Cli;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Replay;

/// <summary>The node inspector over a real local host: attempts of a retried node, the 404 naming the node, the CLI.</summary>
public sealed class NodeInspectorTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private const string Retried = """
        { "id": "inspect-retry", "name": "retry", "nodes": [
          { "id": "flaky", "component": "core.fail", "inputs": { "message": "first try breaks", "failUntilAttempt": 1 },
            "retry": { "maxAttempts": 2, "backoffSeconds": 0 } },
          { "id": "after", "component": "core.log", "inputs": { "message": "done" }, "dependsOn": ["flaky"] } ] }
        """;

    [Fact]
    public async Task A_retried_node_shows_its_failed_attempt_then_its_completed_one()
    {
        var runId = await host.StartRunAsync(Retried);
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(runId)).Status);

        var inspection = await host.Http.GetFromJsonAsync<NodeInspection>($"api/workflows/runs/{runId}/nodes/flaky", ShipSecJson.Options);

        Assert.NotNull(inspection);
        Assert.Equal("core.fail", inspection.Definition?.Component);
        Assert.Equal([1, 2], inspection.Attempts.Select(a => a.Attempt));
        var (first, second) = (inspection.Attempts[0], inspection.Attempts[1]);
        Assert.Equal(NodeStatus.Retrying, first.Status);
        Assert.Equal("first try breaks", first.Error?.Message);
        Assert.True(first.Error?.WillRetry);
        Assert.Equal(NodeStatus.Completed, second.Status);
        Assert.Null(second.Error);
        Assert.All(inspection.Attempts, a =>
        {
            Assert.Equal(1, a.Delivery);
            Assert.NotNull(a.EndedAt);
            Assert.Equal((long)(a.EndedAt!.Value - a.StartedAt).TotalMilliseconds, a.DurationMs);
        });
        Assert.True(second.StartedAt >= first.EndedAt);
        Assert.Equal(NodeStatus.Completed, inspection.State.Status);
    }

    [Fact]
    public async Task At_a_replayed_moment_the_node_is_shown_as_it_was_then()
    {
        var runId = await host.StartRunAsync(Retried);
        await host.WaitForEndAsync(runId);
        var trace = await host.GetTraceAsync(runId);
        var firstFailure = trace.Single(e => e is { NodeId: "flaky", Type: ShipSec.Shared.Trace.TraceEventType.NodeFailed, Attempt: 1 }).Sequence;

        var then = await host.Http.GetFromJsonAsync<NodeInspection>($"api/workflows/runs/{runId}/nodes/flaky?sequence={firstFailure}", ShipSecJson.Options);
        var end = await host.Http.GetFromJsonAsync<NodeInspection>($"api/workflows/runs/{runId}/nodes/flaky", ShipSecJson.Options);

        Assert.Equal([1], then!.Attempts.Select(a => a.Attempt));
        Assert.Equal(NodeStatus.Retrying, then.State.Status);
        Assert.Equal([1, 2], end!.Attempts.Select(a => a.Attempt));
        Assert.Equal(NodeStatus.Completed, end.State.Status);
    }

    [Fact]
    public async Task A_node_not_in_the_run_is_a_404_naming_it_and_a_malformed_sequence_a_400_naming_it()
    {
        var runId = await host.StartRunAsync(Retried);
        await host.WaitForEndAsync(runId);

        using var badSequence = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/nodes/flaky?sequence=-1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badSequence.StatusCode);
        Assert.Contains("?sequence", await badSequence.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var response = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/nodes/nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = problem.RootElement.GetProperty("errors")[0];
        Assert.Equal("nodeId", error.GetProperty("field").GetString());
        Assert.Equal("nope", error.GetProperty("nodeId").GetString());
    }

    [Fact]
    public async Task The_cli_prints_the_same_attempts_as_json()
    {
        var runId = await host.StartRunAsync(Retried);
        await host.WaitForEndAsync(runId);
        using var output = new StringWriter();

        var exit = await ShipSecCommandLine.InvokeAsync(["--url", host.BaseAddress.ToString(), "--api-key", host.ViewerKey, "node", runId, "flaky", "--json"], output);

        Assert.Equal(ShipSecCommandLine.Success, exit);
        var inspection = JsonSerializer.Deserialize<NodeInspection>(output.ToString(), ShipSecJson.Options)!;
        Assert.Equal(runId, inspection.RunId);
        Assert.Equal([NodeStatus.Retrying, NodeStatus.Completed], inspection.Attempts.Select(a => a.Status));

        // --sequence: as it was after its first failure.
        var trace = await host.GetTraceAsync(runId);
        var failedAt = trace.Single(e => e is { NodeId: "flaky", Type: ShipSec.Shared.Trace.TraceEventType.NodeFailed, Attempt: 1 }).Sequence;
        using var then = new StringWriter();
        Assert.Equal(ShipSecCommandLine.Success, await ShipSecCommandLine.InvokeAsync(
            ["--url", host.BaseAddress.ToString(), "--api-key", host.ViewerKey, "node", runId, "flaky", "--json", "--sequence", $"{failedAt}"], then));
        var earlier = JsonSerializer.Deserialize<NodeInspection>(then.ToString(), ShipSecJson.Options)!;
        Assert.Equal([1], earlier.Attempts.Select(a => a.Attempt));
        Assert.Equal(NodeStatus.Retrying, earlier.State.Status);
    }
}
