using Stopwatch = System.Diagnostics.Stopwatch;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;
using Xunit.Abstractions;

namespace ShipSec.LocalHost.Tests;

/// <summary>Many runs at once, and a transport that delivers everything twice: nothing lost, nothing doubled.</summary>
public sealed class LoadTests(InMemoryLocalHostFixture host, ITestOutputHelper output) : IClassFixture<InMemoryLocalHostFixture>
{
    private const int Runs = 200;
    private const int LinesPerNode = 5;

    [Fact]
    public async Task Two_hundred_concurrent_runs_of_a_ten_node_workflow_all_complete_with_every_event()
    {
        var branches = string.Join(",\n", Enumerable.Range(1, 8).Select(i =>
            $$"""{ "id": "branch{{i}}", "component": "core.log", "inputs": { "message": "branch {{i}}", "count": {{LinesPerNode}} }, "dependsOn": ["start"] }"""));
        var workflow = $$"""
            { "id": "load", "name": "load", "nodes": [
              { "id": "start", "component": "core.log", "inputs": { "message": "start", "count": {{LinesPerNode}} } },
              {{branches}},
              { "id": "end", "component": "core.log", "inputs": { "message": "end", "count": {{LinesPerNode}} },
                "dependsOn": [ {{string.Join(", ", Enumerable.Range(1, 8).Select(i => $"\"branch{i}\""))}} ] } ] }
            """;
        var firstRun = await host.StartRunAsync(workflow);
        var clock = Stopwatch.StartNew();
        var runIds = new List<string> { firstRun };
        runIds.AddRange(await Task.WhenAll(Enumerable.Range(1, Runs - 1).Select(async _ =>
        {
            using var response = await host.Http.PostAsync(new Uri("api/workflows/load/runs", UriKind.Relative), null);
            response.EnsureSuccessStatusCode();
            return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
        })));

        var summaries = await Task.WhenAll(runIds.Select(id => host.WaitForEndAsync(id, TimeSpan.FromMinutes(5))));
        var elapsed = clock.Elapsed;

        Assert.All(summaries, s => Assert.Equal(RunStatus.Completed, s.Status));
        // Per node: started, the lines it logged, completed; per run: running and completed.
        const int ExpectedPerRun = (10 * (1 + LinesPerNode + 1)) + 2;
        foreach (var runId in runIds)
        {
            var trace = await host.GetTraceAsync(runId);
            Assert.Equal(ExpectedPerRun, trace.Count);
            Assert.Equal(Enumerable.Range(1, trace.Count).Select(i => (long)i), trace.Select(e => e.Sequence));
        }

        output.WriteLine($"{Runs} runs x 10 nodes ({Runs * ExpectedPerRun} trace events) completed in {elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Every_event_delivered_twice_and_out_of_order_is_stored_once_with_a_gapless_sequence()
    {
        var runId = await host.StartRunAsync("""{ "id": "redelivery", "name": "r", "nodes": [ { "id": "a", "component": "core.log", "inputs": { "message": "x" } } ] }""");
        await host.WaitForEndAsync(runId);
        var before = (await host.GetTraceAsync(runId)).Count;
        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var events = Enumerable.Range(1, 300).Select(i => new TraceEvent
        {
            Id = TraceEventIds.NodeEvent(runId, "extra", 1, i),
            RunId = runId,
            NodeId = "extra",
            Attempt = 1,
            Type = TraceEventType.NodeLog,
            Timestamp = DateTimeOffset.UtcNow,
            Message = $"line {i}",
        }).ToList();

        var random = new Random(7);
        var deliveries = events.Concat(events).Chunk(50).Select(batch => batch.OrderBy(_ => random.Next()).ToArray()).ToList();
        await Task.WhenAll(deliveries.Select(batch => publisher.PublishAsync(batch)));
        await Task.WhenAll(deliveries.Select(batch => publisher.PublishAsync(batch)));

        var trace = await host.GetTraceAsync(runId);
        Assert.Equal(before + events.Count, trace.Count);
        Assert.Equal(trace.Count, trace.Select(e => e.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, trace.Count).Select(i => (long)i), trace.Select(e => e.Sequence));
        Assert.Equal(events.Select(e => e.Message).Order(), trace.Where(e => e.NodeId == "extra").Select(e => e.Message).Order());
    }
}
