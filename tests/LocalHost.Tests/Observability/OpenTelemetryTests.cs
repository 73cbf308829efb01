using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ShipSec.Orchestrations;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Observability;

/// <summary>
/// OpenTelemetry end to end: a local host exporting over OTLP/HTTP to a receiver on loopback. A run started with a
/// caller's <c>traceparent</c> is found in that trace: the API's request, the run's start, each node attempt and the
/// run itself; its trace events and its process name those spans; the consumer's ingest spans link to them; the
/// metrics arrive with their status tags.
/// </summary>
public sealed class OpenTelemetryTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private const string Workflow = """
        { "id": "traced", "name": "traced", "nodes": [
          { "id": "hello", "component": "core.log", "inputs": { "message": "hello" } },
          { "id": "tool", "component": "core.exec", "dependsOn": ["hello"],
            "inputs": { "command": "bash", "args": ["-c", "echo \"TRACEPARENT=$TRACEPARENT\""] } } ] }
        """;

    private OtlpReceiver receiver = null!;
    private IsolatedLocalHost host = null!;

    public async Task InitializeAsync()
    {
        receiver = await OtlpReceiver.StartAsync();
        host = await IsolatedLocalHost.StartAsync("InMemory", "otel", TimeSpan.FromSeconds(30), new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export within a fraction of a second, so the test waits on arrivals, not on the SDK's default 5 s and 60 s.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "250",
        });
        using var content = new StringContent(Workflow, Encoding.UTF8, "application/json");
        using var created = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_run_started_with_a_traceparent_is_traced_under_it_from_the_request_to_the_process_of_a_node()
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var callerSpanId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

        var runId = await StartRunAsync($"00-{traceId}-{callerSpanId}-01");
        var trace = await RunTraces.WaitForAsync(host.Http, runId, Ended, Deadline);

        var spans = await receiver.WaitForSpansAsync(
            received => received.Count(s => s.TraceId == traceId && s.Name == RunTelemetry.NodeAttemptSpan) == 2
                && received.Any(s => s.TraceId == traceId && s.Name == RunTelemetry.RunSpan),
            Deadline);
        var ours = spans.Where(s => s.TraceId == traceId).ToList();
        var request = Assert.Single(ours, s => s.ParentSpanId == callerSpanId);
        Assert.Equal("POST", request.Attributes["http.request.method"]);
        var start = Assert.Single(ours, s => s.Name == RunTelemetry.RunStartSpan);
        Assert.Equal(request.SpanId, start.ParentSpanId);
        Assert.Equal(runId, start.Attributes["shipsec.run.id"]);
        Assert.Equal("shipsec-localhost", start.ServiceName);
        var attempts = ours.Where(s => s.Name == RunTelemetry.NodeAttemptSpan).ToDictionary(s => s.Attributes["shipsec.node.id"]);
        Assert.Equal(["hello", "tool"], attempts.Keys.Order());
        Assert.All(attempts.Values, attempt => Assert.Equal(start.SpanId, attempt.ParentSpanId));
        Assert.Equal("core.exec", attempts["tool"].Attributes["shipsec.component"]);
        Assert.Equal("completed", attempts["tool"].Attributes["shipsec.node.status"]);
        var run = Assert.Single(ours, s => s.Name == RunTelemetry.RunSpan);
        Assert.Equal(start.SpanId, run.ParentSpanId);
        Assert.Equal("completed", run.Attributes["shipsec.run.status"]);

        // Every event names the run's trace and the span that emitted it, as the API returns them.
        Assert.All(trace, e => Assert.Equal(traceId, e.TraceId));
        Assert.All(trace.Where(e => e.NodeId is not null), e => Assert.Equal(attempts[e.NodeId!].SpanId, e.SpanId));
        Assert.Equal(run.SpanId, Assert.Single(trace, e => e is { Type: TraceEventType.WorkflowStatus, Status: RunStatus.Completed }).SpanId);

        // The process of core.exec was started inside the attempt's span.
        Assert.Contains(trace, e => e.NodeId == "tool" && e.Message == $"TRACEPARENT=00-{traceId}-{attempts["tool"].SpanId}-01");

        // The consumer that stored the events links its ingest spans to the attempts that wrote them.
        await receiver.WaitForSpansAsync(
            received => received.Any(s => s.Name == TraceIngestTelemetry.IngestSpan && s.Links.Contains((traceId, attempts["tool"].SpanId))),
            Deadline);
    }

    [Fact]
    public async Task A_run_started_without_a_traceparent_begins_a_trace_of_its_own_and_its_durations_and_ingest_are_measured()
    {
        var runId = await StartRunAsync(traceParent: null);
        var trace = await RunTraces.WaitForAsync(host.Http, runId, Ended, Deadline);

        var traceId = trace[0].TraceId;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.All(trace, e => Assert.Equal(traceId, e.TraceId));
        Assert.All(trace, e => Assert.Matches("^[0-9a-f]{16}$", e.SpanId));
        await receiver.WaitForSpansAsync(received => received.Any(s => s.TraceId == traceId && s.Name == RunTelemetry.RunSpan), Deadline);

        await receiver.WaitForPointsAsync(
            points => points.Any(p => p.Metric == "shipsec.run.duration" && p.Attributes.GetValueOrDefault("status") == "completed")
                && points.Any(p => p.Metric == "shipsec.node.duration" && p.Attributes.GetValueOrDefault("status") == "completed"
                    && p.Attributes.GetValueOrDefault("component") == "core.exec")
                && points.Any(p => p.Metric == "shipsec.trace.events.ingested" && p.Attributes.GetValueOrDefault("transport") == TraceIngestTelemetry.InProcessTransport)
                && points.Any(p => p.Metric == "shipsec.trace.append.duration")
                && points.Any(p => p.Metric == "shipsec.trace.consumer.lag"),
            Deadline);
    }

    private static bool Ended(IReadOnlyList<TraceEvent> trace)
        => trace.Any(e => e is { Type: TraceEventType.WorkflowStatus, Status: RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled });

    private async Task<string> StartRunAsync(string? traceParent)
    {
        using var start = new HttpRequestMessage(HttpMethod.Post, new Uri("api/workflows/traced/runs", UriKind.Relative));
        if (traceParent is not null)
        {
            start.Headers.Add("traceparent", traceParent);
        }

        using var started = await host.Http.SendAsync(start);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return JsonNode.Parse(await started.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
    }
}
