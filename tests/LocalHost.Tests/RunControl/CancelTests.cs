using System.Net;
using System.Text.Json.Nodes;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.RunControl;

/// <summary>A cancel stops a run: nothing starts after it was accepted, and the run ends cancelled promptly.</summary>
public sealed class CancelTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private const int Width = 1000;

    [Fact]
    public async Task Cancelling_a_run_with_a_thousand_queued_nodes_starts_none_of_them_and_ends_cancelled_within_ten_seconds()
    {
        var nodes = new JsonArray();
        for (var i = 0; i < Width; i++)
        {
            nodes.Add(new JsonObject { ["id"] = $"n{i}", ["component"] = "core.sleep", ["inputs"] = new JsonObject { ["milliseconds"] = 500 } });
        }

        var runId = await host.StartRunAsync(new JsonObject { ["id"] = "wide-cancel", ["name"] = "wide", ["nodes"] = nodes }.ToJsonString());
        await host.WaitForTraceAsync(runId, t => t.Any(e => e.Type == TraceEventType.NodeStarted));

        using var cancel = await host.Http.PostAsync(new Uri($"api/workflows/runs/{runId}/cancel", UriKind.Relative), null);
        var accepted = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);

        var summary = await host.WaitForEndAsync(runId, TimeSpan.FromSeconds(10));
        Assert.Equal(RunStatus.Cancelled, summary.Status);

        // Attempts still queued when the run ended are delivered afterwards; a later run's node completing means
        // the queue got past them, so the trace now holds every start there will ever be.
        var marker = await host.StartRunAsync("""{ "id": "after-cancel", "name": "marker", "nodes": [ { "id": "m", "component": "core.log", "inputs": { "message": "m" } } ] }""");
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(marker)).Status);

        var trace = await host.GetTraceAsync(runId);
        var starts = trace.Where(e => e.Type == TraceEventType.NodeStarted).ToList();
        Assert.All(starts, e => Assert.True(e.Timestamp <= accepted, $"{e.NodeId} started at {e.Timestamp:O}, after the cancel was accepted at {accepted:O}"));
        Assert.InRange(starts.Count, 1, Width - 1);
        var state = await host.GetStateAsync(runId);
        Assert.Equal(Width, state.Nodes.Count(n => n.Status is NodeStatus.Cancelled or NodeStatus.Completed));
    }
}
