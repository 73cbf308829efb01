using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Replay;

/// <summary>
/// Small traces written by hand (retry, progress, artifacts, a failure and the skip it causes; a cancel while a
/// node runs), stored through the trace store, and the state and status the API answers for them compared with
/// expectations written from the scenario — not computed by the folder the server itself uses.
/// </summary>
public sealed class ScenarioStateTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    /// <summary>What a user sees of one node: its status, attempt, progress, last line, error kind, artifacts and log count.</summary>
    private sealed record Seen(string Node, NodeStatus Status, int Attempt, string? Progress, string? LastMessage, string? ErrorKind, string Artifacts, long Logs);

    [Fact]
    public async Task A_failed_run_with_a_retry_progress_an_artifact_and_a_skip_folds_to_what_happened()
    {
        var run = await NewRunAsync(FailedRunNodes);
        await run.AppendAsync(FailedRun(run, "[22,80]"));

        // While attempt 1 waits for its retry: retrying (a running node), its progress kept.
        var retrying = await host.GetStateAsync(run.RunId, "?sequence=4");
        Assert.Equal(RunStatus.Running, retrying.Status);
        Assert.Equal(
            [
                new Seen("scan", NodeStatus.Retrying, 1, "40/100", "connection reset", "exception", "", 0),
                new Seen("probe", NodeStatus.Idle, 0, null, null, null, "", 0),
                new Seen("report", NodeStatus.Idle, 0, null, null, null, "", 0),
                new Seen("notify", NodeStatus.Idle, 0, null, null, null, "", 0),
            ],
            Nodes(retrying));
        Assert.Equal(new RunProgress(4, 0, 0, 1), retrying.Progress);

        // Attempt 2 starts afresh: no progress, no error.
        var second = await host.GetStateAsync(run.RunId, "?sequence=5");
        Assert.Equal(new Seen("scan", NodeStatus.Running, 2, null, "attempt 2 started", null, "", 0), Nodes(second)[0]);

        var end = await host.GetStateAsync(run.RunId);
        Assert.Equal(16, end.Sequence);
        Assert.Equal(
            [
                new Seen("scan", NodeStatus.Completed, 2, "100/100", "scan completed", null, "ports.json", 1),
                new Seen("probe", NodeStatus.Completed, 1, "3/10", "probe completed", null, "", 0),
                new Seen("report", NodeStatus.Failed, 1, null, "disk full", "exception", "", 0),
                new Seen("notify", NodeStatus.Skipped, 0, null, "Skipped because an upstream node failed (report).", "upstream-failed", "", 0),
            ],
            Nodes(end));
        var scan = end.Nodes[0];
        Assert.Equal((run.At(2), run.At(9), 700L), (scan.StartedAt, scan.CompletedAt, scan.DurationMs));
        Assert.True(JsonElement.DeepEquals(Json("""{"openPorts":[22,80]}"""), scan.OutputSummary!.Value), scan.OutputSummary.Value.GetRawText());
        Assert.Equal((null, run.At(15)), (end.Nodes[3].StartedAt, end.Nodes[3].CompletedAt));
        Assert.Equal(RunStatus.Failed, end.Status);
        Assert.Equal(new RunFailure("report", "disk full"), end.Failure);
        Assert.Equal(new RunProgress(4, 2, 1, 0), end.Progress);

        // The run's summary (/status and the runs list) says the same.
        var status = await host.GetStatusAsync(run.RunId);
        Assert.Equal((RunStatus.Failed, new RunFailure("report", "disk full"), new RunProgress(4, 2, 1, 0)), (status.Status, status.Failure, status.Progress));
    }

    [Fact]
    public async Task A_run_cancelled_while_a_node_runs_folds_to_cancelled_nodes_not_failed_ones()
    {
        var run = await NewRunAsync(["slow", "fast", "after"]);
        await run.AppendAsync(
        [
            run.Status(RunStatus.Running),                                                             // 1
            run.Node(TraceEventType.NodeStarted, "slow", 1, "slow started"),                           // 2
            run.Node(TraceEventType.NodeStarted, "fast", 1, "fast started"),                           // 3
            run.Node(TraceEventType.NodeProgress, "fast", 1) with { Progress = new(5, 5) },            // 4
            run.Node(TraceEventType.NodeCompleted, "fast", 1, "fast completed"),                       // 5
            run.Node(TraceEventType.NodeProgress, "slow", 1) with { Progress = new(2000, 20000) },     // 6
            run.Node(TraceEventType.NodeFailed, "slow", 1, "The run was cancelled.") with { Error = new("The run was cancelled.", "cancelled") }, // 7
            run.Node(TraceEventType.NodeSkipped, "after", 0, "The run was cancelled before this node started.") with
            {
                Error = new("The run was cancelled before this node started.", "cancelled"),
            },                                                                                         // 8
            run.Status(RunStatus.Cancelled, null, "The run was cancelled.") with { Error = new("The run was cancelled.", "cancelled") }, // 9
        ]);

        var end = await host.GetStateAsync(run.RunId);
        Assert.Equal(
            [
                new Seen("slow", NodeStatus.Cancelled, 1, "2000/20000", "The run was cancelled.", "cancelled", "", 0),
                new Seen("fast", NodeStatus.Completed, 1, "5/5", "fast completed", null, "", 0),
                new Seen("after", NodeStatus.Cancelled, 0, null, "The run was cancelled before this node started.", "cancelled", "", 0),
            ],
            Nodes(end));
        Assert.Equal((RunStatus.Cancelled, (RunFailure?)null, new RunProgress(3, 1, 0, 0)), (end.Status, end.Failure, end.Progress));

        // Mid-node, before the cancel reached it: one running, one completed.
        var before = await host.GetStateAsync(run.RunId, "?sequence=6");
        Assert.Equal(new RunProgress(3, 1, 0, 1), before.Progress);

        // A cancelled node is not a failed one in the run's summary either.
        var status = await host.GetStatusAsync(run.RunId);
        Assert.Equal((RunStatus.Cancelled, (RunFailure?)null, new RunProgress(3, 1, 0, 0)), (status.Status, status.Failure, status.Progress));
    }

    [Fact]
    public async Task Two_runs_with_the_same_events_diff_as_identical_and_a_changed_output_is_named()
    {
        var workflow = await RegisterAsync(FailedRunNodes);
        var a = await NewRunAsync(FailedRunNodes, workflow);
        var b = await NewRunAsync(FailedRunNodes, workflow);
        var c = await NewRunAsync(FailedRunNodes, workflow);
        await a.AppendAsync(FailedRun(a, "[22,80]"));
        await b.AppendAsync(FailedRun(b, "[22,80]"));
        await c.AppendAsync(FailedRun(c, "[22,443]"));

        var same = await DiffAsync(a.RunId, b.RunId);
        Assert.True(same.Identical);
        Assert.Equal(FailedRunNodes, same.Nodes.Select(n => n.NodeId));
        Assert.All(same.Nodes, n => Assert.Equal(NodeChange.Unchanged, n.Change));

        var changed = await DiffAsync(a.RunId, c.RunId);
        Assert.False(changed.Identical);
        Assert.Equal(
            [("scan", NodeChange.Changed), ("probe", NodeChange.Unchanged), ("report", NodeChange.Unchanged), ("notify", NodeChange.Unchanged)],
            changed.Nodes.Select(n => (n.NodeId, n.Change)));
        var scan = changed.Nodes[0];
        Assert.Equal(("[22,80]", "[22,443]"), (scan.OutputSummary!.Before!.Value.GetProperty("openPorts").GetRawText(), scan.OutputSummary.After!.Value.GetProperty("openPorts").GetRawText()));
        Assert.Null(scan.Status);
        Assert.Null(scan.Attempts);

        // The CLI says so with its exit code.
        string[] Args(params string[] rest) => ["--url", host.BaseAddress.ToString(), "--api-key", host.ApiKey, .. rest];
        Assert.Equal(ShipSec.Cli.ShipSecCommandLine.Success, await ShipSec.Cli.ShipSecCommandLine.InvokeAsync(Args("diff", a.RunId, b.RunId)));
        Assert.Equal(ShipSec.Cli.ReplayCommands.RunsDiffer, await ShipSec.Cli.ShipSecCommandLine.InvokeAsync(Args("diff", a.RunId, c.RunId)));
    }

    private static readonly string[] FailedRunNodes = ["scan", "probe", "report", "notify"];

    /// <summary>
    /// scan fails once and is retried (progress, an artifact, a log line, an output naming <paramref name="openPorts"/>),
    /// probe completes beside report, report fails, notify is skipped for it, and the run fails.
    /// </summary>
    private static TraceEvent[] FailedRun(ScenarioRun run, string openPorts) =>
    [
        run.Status(RunStatus.Running),                                                             // 1
        run.Node(TraceEventType.NodeStarted, "scan", 1, "attempt 1 started"),                      // 2
        run.Node(TraceEventType.NodeProgress, "scan", 1) with { Progress = new(40, 100) },         // 3
        run.Node(TraceEventType.NodeFailed, "scan", 1, "connection reset") with { Error = new("connection reset", "exception", WillRetry: true) }, // 4
        run.Node(TraceEventType.NodeStarted, "scan", 2, "attempt 2 started"),                      // 5
        run.Node(TraceEventType.NodeProgress, "scan", 2) with { Progress = new(100, 100) },        // 6
        run.Node(TraceEventType.NodeArtifact, "scan", 2, "ports.json") with { Artifact = Artifact(run.RunId, "scan.2.1", "ports.json") }, // 7
        run.Node(TraceEventType.NodeLog, "scan", 2, "2 ports open"),                               // 8
        run.Node(TraceEventType.NodeCompleted, "scan", 2, "scan completed") with { OutputSummary = Json($$"""{"openPorts":{{openPorts}}}""") }, // 9
        run.Node(TraceEventType.NodeStarted, "probe", 1, "probe started"),                         // 10
        run.Node(TraceEventType.NodeStarted, "report", 1, "report started"),                       // 11
        run.Node(TraceEventType.NodeProgress, "probe", 1) with { Progress = new(3, 10) },          // 12
        run.Node(TraceEventType.NodeFailed, "report", 1, "disk full") with { Error = new("disk full", "exception") }, // 13
        run.Node(TraceEventType.NodeCompleted, "probe", 1, "probe completed"),                     // 14
        run.Node(TraceEventType.NodeSkipped, "notify", 0, "Skipped because an upstream node failed (report).") with
        {
            Error = new("Skipped because an upstream node failed (report).", "upstream-failed"),
        },                                                                                         // 15
        run.Status(RunStatus.Failed, "report", "disk full") with { Error = new("disk full", "node-failed") }, // 16
    ];

    private async Task<RunDiff> DiffAsync(string runId, string otherRunId)
        => (await host.Http.GetFromJsonAsync<RunDiff>(new Uri($"api/workflows/runs/{runId}/diff/{otherRunId}", UriKind.Relative), ShipSecJson.Options))!;

    private static List<Seen> Nodes(RunState state) => state.Nodes.Select(n => new Seen(
        n.NodeId, n.Status, n.Attempt, n.Progress is { } p ? $"{p.Current}/{p.Total}" : null, n.LastMessage, n.Error?.Kind,
        string.Join(",", n.Artifacts.Select(a => a.Name)), n.LogCount)).ToList();

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static ArtifactReference Artifact(string runId, string id, string name) => new()
    {
        ArtifactId = id, Name = name, ContentType = "application/json", Size = 2, Sha256 = new string('c', 64),
        Container = "artifacts", BlobName = $"{runId}/scan/2/{id}/{name}",
    };

    /// <summary>Records a queued run of a workflow of <paramref name="nodes"/> (registered here unless given), as the start endpoint would.</summary>
    private async Task<ScenarioRun> NewRunAsync(string[] nodes, string? workflowId = null)
    {
        workflowId ??= await RegisterAsync(nodes);
        var runId = "scenario-" + Guid.NewGuid().ToString("N");
        // Whole milliseconds: PostgreSQL keeps microseconds, so the stored timestamps equal the written ones.
        var start = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());
        await host.Services.GetRequiredService<IRunStore>().CreateAsync(new NewRun(runId, workflowId, 1, nodes.Length, start));
        return new ScenarioRun(runId, start, host.Services.GetRequiredService<ITraceStore>());
    }

    private async Task<string> RegisterAsync(string[] nodes)
    {
        var workflowId = "scenario-" + Guid.NewGuid().ToString("N")[..8];
        var definition = JsonSerializer.Serialize(new
        {
            id = workflowId,
            name = workflowId,
            nodes = nodes.Select(n => new { id = n, component = "core.log", inputs = new { message = n } }),
        });
        using var content = new StringContent(definition, System.Text.Encoding.UTF8, "application/json");
        using var created = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return workflowId;
    }

    /// <summary>Events of one hand-written run, the n-th (from 1) stamped 100 ms after the (n-1)-th.</summary>
    private sealed class ScenarioRun(string runId, DateTimeOffset start, ITraceStore store)
    {
        private int _written;

        public string RunId => runId;

        public DateTimeOffset At(int sequence) => start.AddMilliseconds(100 * sequence);

        public TraceEvent Node(TraceEventType type, string nodeId, int attempt, string? message = null) => Next() with
        {
            Type = type, NodeId = nodeId, Attempt = attempt, Message = message,
        };

        public TraceEvent Status(RunStatus status, string? nodeId = null, string? message = null) => Next() with
        {
            Type = TraceEventType.WorkflowStatus, Status = status, NodeId = nodeId, Message = message ?? $"Run {status.ToString().ToLowerInvariant()}",
        };

        public async Task AppendAsync(IReadOnlyList<TraceEvent> events) => await store.AppendAsync(events);

        private TraceEvent Next()
        {
            _written++;
            return new TraceEvent { Id = $"{runId}-{_written}", RunId = runId, Type = TraceEventType.NodeLog, Timestamp = At(_written) };
        }
    }
}
