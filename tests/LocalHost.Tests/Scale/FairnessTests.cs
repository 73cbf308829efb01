using System.Text.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;
using Xunit.Abstractions;

namespace ShipSec.LocalHost.Tests.Scale;

/// <summary>
/// Issue 13 at CI size: a big run keeps to its <c>maxParallelNodes</c>, small runs started while it executes are not
/// queued behind it, and a run reaches its final status as soon as its last node ends.
/// </summary>
public sealed class FairnessTests(InMemoryLocalHostFixture host, ITestOutputHelper output) : IClassFixture<InMemoryLocalHostFixture>
{
    private const int BigNodes = 500;
    private const int MaxParallel = 4;
    private const int SmallRuns = 5;

    [Fact]
    public async Task A_big_run_keeps_to_its_parallelism_small_runs_finish_while_it_runs_and_it_ends_as_soon_as_its_last_node_does()
    {
        var bigRunId = await host.StartRunAsync(JsonSerializer.Serialize(NoopWorkflows.Wide($"fair-big-{Guid.NewGuid():N}", BigNodes, MaxParallel)));
        // The small runs arrive once the big one is well under way, as a person's scan would beside a nightly sweep.
        await host.WaitForTraceAsync(bigRunId, trace => trace.Count(e => e.Type == TraceEventType.NodeCompleted) >= 20, TimeSpan.FromSeconds(60));
        var smallWorkflow = $"fair-small-{Guid.NewGuid():N}";
        var smallRunIds = new List<string> { await host.StartRunAsync(JsonSerializer.Serialize(NoopWorkflows.Chain(smallWorkflow, 3))) };
        for (var i = 1; i < SmallRuns; i++)
        {
            using var started = await host.Http.PostAsync(new Uri($"api/workflows/{smallWorkflow}/runs", UriKind.Relative), null);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
            smallRunIds.Add(JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("runId").GetString()!);
        }

        var small = await Task.WhenAll(smallRunIds.Select(id => host.WaitForEndAsync(id, TimeSpan.FromMinutes(2))));
        var big = await host.WaitForEndAsync(bigRunId, TimeSpan.FromMinutes(5));

        Assert.Equal(RunStatus.Completed, big.Status);
        Assert.All(small, s => Assert.Equal(RunStatus.Completed, s.Status));
        // Interleaved, not queued behind the big run's nodes.
        Assert.All(small, s => Assert.True(s.CompletedAt < big.CompletedAt, $"small run {s.RunId} ended at {s.CompletedAt:O}, after the big run ({big.CompletedAt:O})"));

        var trace = await host.GetTraceAsync(bigRunId);
        Assert.Equal(BigNodes, trace.Count(e => e.Type == TraceEventType.NodeCompleted));
        Assert.Equal(Enumerable.Range(1, trace.Count).Select(i => (long)i), trace.Select(e => e.Sequence));

        // Each attempt's interval as its own events date it: never more than maxParallelNodes overlap.
        var edges = trace
            .Where(e => e.NodeId is not null && e.Type is TraceEventType.NodeStarted or TraceEventType.NodeCompleted or TraceEventType.NodeFailed)
            .Select(e => (e.Timestamp, Delta: e.Type == TraceEventType.NodeStarted ? 1 : -1))
            .OrderBy(e => e.Timestamp).ThenBy(e => e.Delta)
            .ToList();
        var (running, most) = (0, 0);
        foreach (var (_, delta) in edges)
        {
            running += delta;
            most = Math.Max(most, running);
        }

        Assert.InRange(most, 1, MaxParallel);

        // The run's end follows its last node's end at once, however many nodes it had.
        var lastNodeEnd = trace.Where(e => e.Type == TraceEventType.NodeCompleted).Max(e => e.Timestamp);
        var end = trace.Single(e => e.Type == TraceEventType.WorkflowStatus && e.Status == RunStatus.Completed).Timestamp;
        Assert.InRange((end - lastNodeEnd).TotalSeconds, 0, 2);
        output.WriteLine($"big run: {BigNodes} nodes in {(big.CompletedAt - big.CreatedAt)?.TotalSeconds:0.0} s, at most {most} at once; " +
            $"small runs: {string.Join(", ", small.Select(s => $"{(s.CompletedAt - s.CreatedAt)?.TotalMilliseconds:0} ms"))}; end {(end - lastNodeEnd).TotalMilliseconds:0} ms after the last node");
    }
}
