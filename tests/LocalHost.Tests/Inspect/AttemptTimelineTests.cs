using System.Net.Http.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Inspect;

/// <summary>The attempt timeline: phases of every attempt, the retry backoff between two, the critical path.</summary>
public sealed class AttemptTimelineTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private const string Retried = """
        { "id": "timeline-retry", "name": "retry", "nodes": [
          { "id": "quick", "component": "core.log", "inputs": { "message": "quick" } },
          { "id": "flaky", "component": "core.fail", "inputs": { "message": "first try breaks", "failUntilAttempt": 1 },
            "retry": { "maxAttempts": 2, "backoffSeconds": 1 } },
          { "id": "after", "component": "core.log", "inputs": { "message": "done" }, "dependsOn": ["flaky", "quick"] } ] }
        """;

    [Fact]
    public async Task A_retried_node_shows_the_backoff_between_its_attempts_and_lies_on_the_critical_path()
    {
        var runId = await host.StartRunAsync(Retried);
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(runId)).Status);

        var timeline = (await host.Http.GetFromJsonAsync<RunAttempts>(new Uri($"api/workflows/runs/{runId}/attempts", UriKind.Relative), ShipSecJson.Options))!;

        Assert.Equal(RunStatus.Completed, timeline.Status);
        var flaky = timeline.Attempts.Where(a => a.NodeId == "flaky").ToList();
        Assert.Equal([1, 2], flaky.Select(a => a.Attempt));
        Assert.Equal(NodeStatus.Retrying, flaky[0].Status);
        Assert.Equal(NodeStatus.Completed, flaky[1].Status);
        Assert.Equal(AttemptPhaseKind.Running, flaky[0].Phases[^1].Kind);

        // The second attempt begins with the backoff: from the first attempt's end to its own start, about the 1 s asked for.
        Assert.Equal([AttemptPhaseKind.Backoff, AttemptPhaseKind.Running], flaky[1].Phases.Select(p => p.Kind));
        var backoff = flaky[1].Phases[0];
        Assert.Equal(flaky[0].End, backoff.Start);
        Assert.Equal(backoff.End, flaky[1].Phases[1].Start);
        Assert.True(backoff.DurationMs >= 900, $"backoff {backoff.DurationMs} ms");

        // The joining node was queued from the moment its last dependency ended until it started.
        var after = Assert.Single(timeline.Attempts, a => a.NodeId == "after");
        Assert.Equal(AttemptPhaseKind.Queued, after.Phases[0].Kind);
        Assert.Equal(flaky[1].End, after.Phases[0].Start);

        Assert.Equal(["flaky", "after"], timeline.CriticalPath);
        Assert.All(timeline.Attempts, a => Assert.Equal(a.NodeId != "quick", a.Critical));
        Assert.True(timeline.CriticalPathMs >= backoff.DurationMs);
        Assert.All(timeline.Attempts.SelectMany(a => a.Phases), p => Assert.True(p.End >= p.Start));
    }
}
