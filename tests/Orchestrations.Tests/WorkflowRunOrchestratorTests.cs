using System.Net;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.Orchestrations.Tests;

/// <summary>
/// The orchestrator's scheduling rules, observed as a user would: through the API and the trace of real
/// runs on the in-memory backend.
/// </summary>
public sealed class WorkflowRunOrchestratorTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private static string Workflow(string id, string nodes) => $$"""{ "id": "{{id}}", "name": "{{id}}", "nodes": [ {{nodes}} ] }""";

    private static TraceEvent Find(IReadOnlyList<TraceEvent> trace, string nodeId, TraceEventType type, int attempt = 1)
        => Assert.Single(trace, e => e.NodeId == nodeId && e.Type == type && e.Attempt == attempt);

    [Fact]
    public async Task Parallel_branches_run_at_once_and_the_join_waits_for_both()
    {
        var runId = await host.StartRunAsync(Workflow("diamond", """
            { "id": "start", "component": "core.log", "inputs": { "message": "go" } },
            { "id": "left", "component": "core.sleep", "inputs": { "milliseconds": 600 }, "dependsOn": ["start"] },
            { "id": "right", "component": "core.sleep", "inputs": { "milliseconds": 600 }, "dependsOn": ["start"] },
            { "id": "join", "component": "core.log", "inputs": { "message": "both done" }, "dependsOn": ["left", "right"] }
            """));

        var summary = await host.WaitForEndAsync(runId);
        var trace = await host.GetTraceAsync(runId);

        Assert.Equal(RunStatus.Completed, summary.Status);
        Assert.Equal(new RunProgress(4, 4, 0, 0), summary.Progress);
        // Each branch started before the other finished: they overlapped.
        Assert.True(Find(trace, "left", TraceEventType.NodeStarted).Sequence < Find(trace, "right", TraceEventType.NodeCompleted).Sequence);
        Assert.True(Find(trace, "right", TraceEventType.NodeStarted).Sequence < Find(trace, "left", TraceEventType.NodeCompleted).Sequence);
        var joinStarted = Find(trace, "join", TraceEventType.NodeStarted).Sequence;
        Assert.True(joinStarted > Find(trace, "left", TraceEventType.NodeCompleted).Sequence);
        Assert.True(joinStarted > Find(trace, "right", TraceEventType.NodeCompleted).Sequence);
        Assert.Equal(Enumerable.Range(1, trace.Count).Select(i => (long)i), trace.Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_failed_attempt_is_retried_and_both_attempts_are_in_the_trace()
    {
        var runId = await host.StartRunAsync(Workflow("flaky", """
            { "id": "flaky", "component": "core.fail", "inputs": { "message": "first try fails", "failUntilAttempt": 1 },
              "retry": { "maxAttempts": 3, "backoffSeconds": 0.1 } }
            """));

        var summary = await host.WaitForEndAsync(runId);
        var trace = await host.GetTraceAsync(runId);

        Assert.Equal(RunStatus.Completed, summary.Status);
        var failed = Find(trace, "flaky", TraceEventType.NodeFailed, attempt: 1);
        Assert.Equal("first try fails", failed.Error!.Message);
        Assert.True(failed.Error.WillRetry);
        Assert.True(Find(trace, "flaky", TraceEventType.NodeStarted, attempt: 2).Sequence > failed.Sequence);
        Find(trace, "flaky", TraceEventType.NodeCompleted, attempt: 2);
        Assert.DoesNotContain(trace, e => e.Attempt == 3);
    }

    [Fact]
    public async Task A_node_that_runs_past_its_timeout_fails_the_run()
    {
        var runId = await host.StartRunAsync(Workflow("slow", """
            { "id": "slow", "component": "core.sleep", "inputs": { "milliseconds": 60000 }, "timeoutSeconds": 1 }
            """));

        var summary = await host.WaitForEndAsync(runId, TimeSpan.FromSeconds(30));
        var trace = await host.GetTraceAsync(runId);

        Assert.Equal(RunStatus.Failed, summary.Status);
        Assert.Equal("slow", summary.Failure!.NodeId);
        Assert.Equal("timeout", Find(trace, "slow", TraceEventType.NodeFailed).Error!.Kind);
        Assert.Contains("Timed out after 1 s", summary.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_final_failure_skips_its_dependents_lets_other_branches_finish_and_fails_the_run()
    {
        var runId = await host.StartRunAsync(Workflow("broken", """
            { "id": "scan", "component": "core.fail", "inputs": { "message": "scanner crashed" }, "retry": { "maxAttempts": 2, "backoffSeconds": 0.1 } },
            { "id": "report", "component": "core.log", "inputs": { "message": "never" }, "dependsOn": ["scan"] },
            { "id": "notify", "component": "core.log", "inputs": { "message": "never either" }, "dependsOn": ["report"] },
            { "id": "inventory", "component": "core.log", "inputs": { "message": "independent" } }
            """));

        var summary = await host.WaitForEndAsync(runId);
        var trace = await host.GetTraceAsync(runId);

        Assert.Equal(RunStatus.Failed, summary.Status);
        Assert.Equal(new RunFailure("scan", "scanner crashed"), summary.Failure);
        Assert.False(Find(trace, "scan", TraceEventType.NodeFailed, attempt: 2).Error!.WillRetry);
        Assert.Equal("upstream-failed", Find(trace, "report", TraceEventType.NodeSkipped, attempt: 0).Error!.Kind);
        Find(trace, "notify", TraceEventType.NodeSkipped, attempt: 0);
        Find(trace, "inventory", TraceEventType.NodeCompleted);
        Assert.DoesNotContain(trace, e => e.NodeId is "report" or "notify" && e.Type == TraceEventType.NodeStarted);
        var last = trace[^1];
        Assert.Equal((TraceEventType.WorkflowStatus, RunStatus.Failed), (last.Type, last.Status));
    }

    [Fact]
    public async Task In_a_run_large_enough_for_batches_a_failed_first_attempt_is_retried_on_its_own_and_a_final_failure_skips_its_dependents()
    {
        // Over the orchestrator's inline limit, so the ready nodes run in batches of one activity each.
        var fillers = string.Join(",\n", Enumerable.Range(0, WorkflowRunOrchestrator.InlineNodeLimit + 10).Select(i =>
            $$"""{ "id": "filler{{i}}", "component": "core.log", "inputs": { "message": "filler {{i}}" } }"""));
        var runId = await host.StartRunAsync(Workflow("batched", fillers + """
            ,
            { "id": "flaky", "component": "core.fail", "inputs": { "message": "first try fails", "failUntilAttempt": 1 },
              "retry": { "maxAttempts": 3, "backoffSeconds": 0.1 } },
            { "id": "after-flaky", "component": "core.log", "inputs": { "message": "ran" }, "dependsOn": ["flaky"] },
            { "id": "scan", "component": "core.fail", "inputs": { "message": "scanner crashed" } },
            { "id": "report", "component": "core.log", "inputs": { "message": "never" }, "dependsOn": ["scan"] }
            """));

        var summary = await host.WaitForEndAsync(runId, TimeSpan.FromSeconds(60));
        var trace = await host.GetTraceAsync(runId);

        Assert.Equal(RunStatus.Failed, summary.Status);
        Assert.Equal(new RunFailure("scan", "scanner crashed"), summary.Failure);
        Assert.True(Find(trace, "flaky", TraceEventType.NodeFailed, attempt: 1).Error!.WillRetry);
        Find(trace, "flaky", TraceEventType.NodeCompleted, attempt: 2);
        Assert.True(Find(trace, "after-flaky", TraceEventType.NodeStarted).Sequence > Find(trace, "flaky", TraceEventType.NodeCompleted, attempt: 2).Sequence);
        Assert.Equal("upstream-failed", Find(trace, "report", TraceEventType.NodeSkipped, attempt: 0).Error!.Kind);
        Assert.Equal(WorkflowRunOrchestrator.InlineNodeLimit + 10, trace.Count(e => e is { Type: TraceEventType.NodeCompleted } && e.NodeId!.StartsWith("filler", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(1, trace.Count).Select(i => (long)i), trace.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Cancelling_a_run_large_enough_for_batches_ends_it_cancelled_and_starts_no_node_afterwards()
    {
        var nodes = string.Join(",\n", Enumerable.Range(0, WorkflowRunOrchestrator.InlineNodeLimit + 50).Select(i =>
            $$"""{ "id": "sleep{{i}}", "component": "core.sleep", "inputs": { "milliseconds": 300 } }"""));
        var runId = await host.StartRunAsync($$"""{ "id": "batched-cancel", "name": "batched cancel", "maxParallelNodes": 4, "nodes": [ {{nodes}} ] }""");
        await host.WaitForTraceAsync(runId, trace => trace.Count(e => e.Type == TraceEventType.NodeCompleted) >= 4);

        await host.CancelAsync(runId);
        var accepted = DateTimeOffset.UtcNow;
        var summary = await host.WaitForEndAsync(runId, TimeSpan.FromSeconds(30));
        var trace = await host.GetTraceAsync(runId);

        Assert.Equal(RunStatus.Cancelled, summary.Status);
        // The queued nodes of the batches in flight ask before they start; a second allows for one that asked just before.
        Assert.DoesNotContain(trace, e => e.Type == TraceEventType.NodeStarted && e.Timestamp > accepted.AddSeconds(1));
        var ended = trace.Where(e => e.Type is TraceEventType.NodeCompleted or TraceEventType.NodeFailed or TraceEventType.NodeSkipped)
            .Select(e => e.NodeId).Distinct().Count();
        Assert.Equal(WorkflowRunOrchestrator.InlineNodeLimit + 50, ended);
        Assert.True(trace.Count(e => e.Type == TraceEventType.NodeSkipped && e.Error?.Kind == "cancelled") >= 100, "most nodes never started");
        Assert.Equal(Enumerable.Range(1, trace.Count).Select(i => (long)i), trace.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Cancelling_stops_the_running_node_and_skips_the_rest()
    {
        var runId = await host.StartRunAsync(Workflow("long", """
            { "id": "wait", "component": "core.sleep", "inputs": { "milliseconds": 60000 } },
            { "id": "after", "component": "core.log", "inputs": { "message": "never" }, "dependsOn": ["wait"] }
            """));
        await host.WaitForTraceAsync(runId, trace => trace.Any(e => e is { NodeId: "wait", Type: TraceEventType.NodeStarted }));

        using var cancel = await host.Http.PostAsync(new Uri($"api/workflows/runs/{runId}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);

        var summary = await host.WaitForEndAsync(runId, TimeSpan.FromSeconds(30));
        var trace = await host.GetTraceAsync(runId);
        Assert.Equal(RunStatus.Cancelled, summary.Status);
        Assert.Equal("cancelled", Find(trace, "wait", TraceEventType.NodeFailed).Error!.Kind);
        Assert.Equal("cancelled", Find(trace, "after", TraceEventType.NodeSkipped, attempt: 0).Error!.Kind);

        using var again = await host.Http.PostAsync(new Uri($"api/workflows/runs/{runId}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Outputs_flow_into_the_inputs_that_reference_them()
    {
        var runId = await host.StartRunAsync(Workflow("flow", """
            { "id": "produce", "component": "core.exec", "inputs": { "command": "bash", "args": ["-c", "echo one; echo two"] } },
            { "id": "consume", "component": "core.report", "inputs": { "findings": { "$ref": "produce.lastLines" } } }
            """));

        var summary = await host.WaitForEndAsync(runId);
        var trace = await host.GetTraceAsync(runId);

        Assert.Equal(RunStatus.Completed, summary.Status);
        var completed = Find(trace, "consume", TraceEventType.NodeCompleted);
        Assert.Equal(2, completed.OutputSummary!.Value.GetProperty("findingCount").GetInt32());
    }
}
