using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Replay;

/// <summary>
/// Real runs ending each way a run ends: <c>GET …/status</c> (the run summary, also behind the runs list) and
/// <c>GET …/state</c> (the fold of the trace) report the same status and counters, and both what the scenario says.
/// </summary>
public sealed class StatusAgreesWithStateTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    [Fact]
    public async Task After_completion()
    {
        var runId = await host.StartRunAsync("""
            { "id": "agree-completed", "name": "c", "nodes": [
              { "id": "a", "component": "core.log", "inputs": { "message": "hello", "count": 5 } },
              { "id": "b", "component": "core.log", "inputs": { "message": "after" }, "dependsOn": ["a"] } ] }
            """);
        await host.WaitForEndAsync(runId);

        var (status, state) = await BothAsync(runId);

        AssertAgree(status, state, RunStatus.Completed, new RunProgress(2, 2, 0, 0));
        Assert.Null(status.Failure);
        Assert.Equal([("a", NodeStatus.Completed, 5L), ("b", NodeStatus.Completed, 1L)], state.Nodes.Select(n => (n.NodeId, n.Status, n.LogCount)));
    }

    [Fact]
    public async Task After_a_failure_with_a_retry_a_skip_and_a_completed_branch()
    {
        var runId = await host.StartRunAsync("""
            { "id": "agree-failed", "name": "f", "nodes": [
              { "id": "flaky", "component": "core.fail", "inputs": { "message": "still broken" }, "retry": { "maxAttempts": 2, "backoffSeconds": 0 } },
              { "id": "after", "component": "core.log", "inputs": { "message": "never" }, "dependsOn": ["flaky"] },
              { "id": "side", "component": "core.log", "inputs": { "message": "fine" } } ] }
            """);
        await host.WaitForEndAsync(runId);

        var (status, state) = await BothAsync(runId);

        AssertAgree(status, state, RunStatus.Failed, new RunProgress(3, 1, 1, 0));
        Assert.Equal(new RunFailure("flaky", "still broken"), status.Failure);
        Assert.Equal(status.Failure, state.Failure);
        Assert.Equal(
            [("flaky", NodeStatus.Failed, 2), ("after", NodeStatus.Skipped, 0), ("side", NodeStatus.Completed, 1)],
            state.Nodes.Select(n => (n.NodeId, n.Status, n.Attempt)));
    }

    [Fact]
    public async Task After_a_cancel_while_two_nodes_run()
    {
        var runId = await host.StartRunAsync("""
            { "id": "agree-cancelled", "name": "x", "nodes": [
              { "id": "left", "component": "core.sleep", "inputs": { "milliseconds": 20000 } },
              { "id": "right", "component": "core.sleep", "inputs": { "milliseconds": 20000 } },
              { "id": "join", "component": "core.log", "inputs": { "message": "never" }, "dependsOn": ["left", "right"] } ] }
            """);
        await host.WaitForTraceAsync(runId, trace =>
            trace.Count(e => e.Type == TraceEventType.NodeStarted && e.NodeId is "left" or "right") == 2);
        await host.CancelAsync(runId);
        await host.WaitForEndAsync(runId);

        var (status, state) = await BothAsync(runId);

        // Cancelled nodes are neither failed nor running.
        AssertAgree(status, state, RunStatus.Cancelled, new RunProgress(3, 0, 0, 0));
        Assert.Null(status.Failure);
        Assert.Equal(
            [("left", NodeStatus.Cancelled), ("right", NodeStatus.Cancelled), ("join", NodeStatus.Cancelled)],
            state.Nodes.Select(n => (n.NodeId, n.Status)));
    }

    private async Task<(RunSummary Status, RunState State)> BothAsync(string runId)
        => (await host.GetStatusAsync(runId), await host.GetStateAsync(runId));

    private static void AssertAgree(RunSummary status, RunState state, RunStatus expected, RunProgress progress)
    {
        Assert.Equal((expected, progress), (state.Status, state.Progress));
        Assert.Equal((expected, progress), (status.Status, status.Progress));
    }
}
