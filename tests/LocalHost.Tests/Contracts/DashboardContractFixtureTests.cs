using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ShipSec.Functions.Http;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Contracts;

/// <summary>
/// The dashboard's TypeScript contract types are checked (by tsc and vitest) against JSON fixtures; these
/// tests keep those fixtures equal to what the C# records serialise to, so a payload change fails a build
/// instead of breaking the page. Each test also writes what it generated to .artifacts/fixtures/, which
/// scripts/update-fixtures copies over the committed fixtures: no test ever rewrites what it checks.
/// </summary>
public sealed class DashboardContractFixtureTests
{

    private static readonly JsonSerializerOptions FixtureOptions = new(ShipSecJson.Options) { WriteIndented = true };

    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    [Fact]
    public void TraceEventsMatchTheDashboardFixture() => AssertFixture("trace-events.json", TraceEvents());

    [Fact]
    public void RunSummariesMatchTheDashboardFixture() => AssertFixture("run-summaries.json", RunSummaries());

    [Fact]
    public void WorkflowDefinitionMatchesTheDashboardFixture() => AssertFixture("workflow-definition.json", Workflow());

    [Fact]
    public void EnumWireNamesMatchTheDashboardFixture() => AssertFixture("enums.json", new
    {
        traceEventTypes = Enum.GetValues<TraceEventType>(),
        findingSeverities = Enum.GetValues<FindingSeverity>(),
        traceEventLevels = Enum.GetValues<TraceEventLevel>(),
        runStatuses = Enum.GetValues<RunStatus>(),
        nodeStatuses = Enum.GetValues<NodeStatus>(),
        nodeChanges = Enum.GetValues<NodeChange>(),
        runTriggerKinds = Enum.GetValues<RunTriggerKind>(),
        outputStreams = Enum.GetValues<OutputPipe>(),
        attemptPhaseKinds = Enum.GetValues<AttemptPhaseKind>(),
    });

    /// <summary><c>GET /api/workflows/{workflowId}/schedules</c>, as <see cref="ScheduleFunctions"/> answers it over a store holding one schedule.</summary>
    [Fact]
    public async Task SchedulesMatchTheDashboardFixture()
    {
        var schedule = new WorkflowSchedule
        {
            ScheduleId = "sch-nightly",
            WorkflowId = "local-recon",
            Cron = "0 3 * * *",
            TimeZone = "Europe/Paris",
            Inputs = new Dictionary<string, JsonElement>
            {
                ["target"] = JsonSerializer.SerializeToElement("127.0.0.1"),
                ["token"] = JsonSerializer.SerializeToElement("***"),
            },
            CreatedAt = T0,
            CreatedBy = "ci",
            NextFireAt = new DateTimeOffset(2999, 1, 3, 2, 0, 0, TimeSpan.Zero),
            LastFireAt = new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero),
            LastRunId = "sch-nightly-20260102T020000Z",
        };
        var schedules = new ShipSec.Functions.Runs.WorkflowSchedules(
            new OneSchedule(schedule), new OneWorkflow(Workflow()), null!, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ShipSec.Functions.Runs.WorkflowSchedules>.Instance);
        var functions = new ScheduleFunctions(schedules, null!);

        var result = await functions.ListSchedules(new DefaultHttpContext().Request, "local-recon", CancellationToken.None);

        AssertFixture("schedules.json", Assert.IsType<JsonResult>(result).Value!);
    }

    [Fact]
    public void RunAttemptsMatchTheDashboardFixture() => AssertFixture("run-attempts.json", RunAttempts());

    [Fact]
    public void ReplayContractsMatchTheDashboardFixture() => AssertFixture("replay.json", Replay());

    /// <summary>The node inspector's answer and a page of search results (issue 17), as the dashboard reads them.</summary>
    [Fact]
    public void InspectContractsMatchTheDashboardFixture() => AssertFixture("inspect.json", Inspect());

    /// <summary>
    /// <c>GET /api/workflows/{workflowId}/findings</c> is an anonymous object built in <see cref="BaselineFunctions"/>,
    /// so the fixture is what that function itself answers over stores holding one open finding and a pinned baseline.
    /// </summary>
    [Fact]
    public async Task WorkflowFindingsMatchTheDashboardFixture()
    {
        var finding = RunFinding.From(
            Findings.Create("network.open-port", "Open port 5433/tcp", FindingSeverity.Info, new FindingAsset("127.0.0.1", 5433, "tcp"), "open"),
            "scan", 1, 5, T0.AddSeconds(60));
        var open = new WorkflowFindings("local-recon", "run-3", [new OpenFinding(finding, "run-1", T0, "run-3")], new FindingCounts(Info: 1));
        var functions = new BaselineFunctions(new PinnedRun("run-2"), new OpenFindingsOf(open), new OneWorkflow(Workflow()), TimeProvider.System);

        var result = await functions.GetWorkflowFindings(new DefaultHttpContext().Request, "local-recon", CancellationToken.None);

        AssertFixture("workflow-findings.json", Assert.IsType<JsonResult>(result).Value!);
    }

    /// <summary>
    /// One trace folded by the server's <see cref="RunStateFolder"/>; the dashboard's fold.ts folds the same
    /// events in src/state/fold.test.ts and must reach the same node states (the rules exist once per language).
    /// </summary>
    [Fact]
    public void ServerFoldingOfTheSharedTraceMatchesTheDashboardFixture()
    {
        var events = FoldCase();
        var folder = new RunStateFolder("run-1", "fold-case", ["scan", "probe", "report", "notify", "extra", "idle", "gate", "decided"]);
        foreach (var traceEvent in events)
        {
            folder.Apply(traceEvent);
        }

        var state = folder.State();
        AssertFixture("fold-case.json", new
        {
            events,
            expected = new
            {
                runStatus = state.Status,
                nodes = state.Nodes.Select(n => new
                {
                    n.NodeId,
                    n.Status,
                    n.Attempt,
                    n.Progress,
                    n.LastMessage,
                    artifactCount = n.Artifacts.Count,
                    n.FindingCount,
                    n.HighestSeverity,
                }),
                findings = state.Findings.Select(f => new { f.Fingerprint, f.Severity, f.NodeId, f.Sequence }),
                state.FindingCounts,
            },
        });
    }

    private static TraceEvent[] FoldCase()
    {
        var sequence = 0L;
        TraceEvent Event(TraceEventType type, string? nodeId, int attempt, string? message = null) => new()
        {
            Id = $"fold-{sequence + 1}",
            RunId = "run-1",
            NodeId = nodeId,
            Attempt = attempt,
            Type = type,
            Level = TraceEventLevel.Info,
            Timestamp = T0.AddMilliseconds(sequence * 10),
            Sequence = ++sequence,
            Message = message,
        };

        return
        [
            Event(TraceEventType.WorkflowStatus, null, 0) with { Status = RunStatus.Running },
            Event(TraceEventType.NodeStarted, "scan", 1, "scan started"),
            Event(TraceEventType.NodeLog, "scan", 1, "port 22 open"),
            Event(TraceEventType.NodeProgress, "scan", 1, "89/127") with { Progress = new TraceProgress(89, 127) },
            Event(TraceEventType.NodeArtifact, "scan", 1, "ports.json") with
            {
                Artifact = new ArtifactReference
                {
                    ArtifactId = "scan.1.4", Name = "ports.json", ContentType = "application/json", Size = 2,
                    Sha256 = new string('c', 64), Container = "artifacts", BlobName = "run-1/scan/1/scan.1.4/ports.json",
                },
            },
            Event(TraceEventType.NodeFinding, "scan", 1, "open port") with { Finding = Findings.Create("network.open-port", "Open port 22/tcp", FindingSeverity.Info, new FindingAsset("127.0.0.1", 22, "tcp")) },
            Event(TraceEventType.NodeFinding, "scan", 1, "self-signed") with { Finding = Findings.Create("tls.self-signed-certificate", "Self-signed certificate", FindingSeverity.Medium, new FindingAsset("127.0.0.1", 443, "tls")) },
            Event(TraceEventType.NodeCompleted, "scan", 1, "scan completed"),
            Event(TraceEventType.NodeStarted, "probe", 1),
            Event(TraceEventType.NodeFinding, "probe", 1, "reported again") with { Finding = Findings.Create("tls.self-signed-certificate", "Self-signed certificate", FindingSeverity.High, new FindingAsset("127.0.0.1", 443, "tls")) },
            Event(TraceEventType.NodeFailed, "probe", 1, "timeout") with { Error = new TraceError("timeout", "timeout", WillRetry: true) },
            Event(TraceEventType.NodeStarted, "probe", 2, "probe started again"),
            Event(TraceEventType.NodeProgress, "probe", 2) with { Progress = new TraceProgress(3, 5) },
            // A crash redelivery: the worker died, the same attempt starts a second time and starts progress afresh.
            Event(TraceEventType.NodeStarted, "probe", 2, "probe started again (delivery 2)"),
            Event(TraceEventType.NodeProgress, "probe", 2) with { Progress = new TraceProgress(1, 5) },
            Event(TraceEventType.NodeCompleted, "probe", 2),
            Event(TraceEventType.NodeStarted, "report", 1),
            Event(TraceEventType.NodeFailed, "report", 1) with { Error = new TraceError("disk full", "exception") },
            Event(TraceEventType.NodeSkipped, "notify", 0) with { Error = new TraceError("upstream failed", "upstream-failed") },
            Event(TraceEventType.NodeStarted, "extra", 1),
            Event(TraceEventType.NodeFailed, "extra", 1, "stopped") with { Error = new TraceError("The run was cancelled.", "cancelled") },
            // Approval steps: one still waiting for a decision, one that waited and was approved.
            Event(TraceEventType.NodeAwaitingInput, "gate", 1, "Awaiting approval (any operator, up to 600 s): Ship it?"),
            Event(TraceEventType.NodeAwaitingInput, "decided", 1, "Awaiting approval (any operator, up to 600 s): Deploy?"),
            Event(TraceEventType.NodeCompleted, "decided", 1, "Approved by 'alice': ok"),
            Event(TraceEventType.WorkflowStatus, "report", 0, "failed") with { Status = RunStatus.Failed },
        ];
    }

    private static object Replay()
    {
        using var summary = JsonDocument.Parse("""{"openPorts":[5433],"count":1}""");
        using var other = JsonDocument.Parse("""{"openPorts":[5433,7071],"count":2}""");
        var artifact = new ArtifactReference
        {
            ArtifactId = "report.1.1",
            Name = "report.md",
            ContentType = "text/markdown",
            Size = 10,
            Sha256 = new string('b', 64),
            Container = "artifacts",
            BlobName = "run-1/report/1/report.1.1/report.md",
        };
        var state = new RunState
        {
            RunId = "run-1",
            WorkflowId = "local-recon",
            Sequence = 42,
            At = T0,
            Status = RunStatus.Failed,
            Failure = new RunFailure("scan", "boom"),
            Nodes =
            [
                new NodeState
                {
                    NodeId = "scan",
                    Status = NodeStatus.Failed,
                    Attempt = 2,
                    Progress = new TraceProgress(89, 127),
                    LastMessage = "boom",
                    OutputSummary = summary.RootElement.Clone(),
                    Error = new TraceError("boom", "exception"),
                    Artifacts = [artifact],
                    StartedAt = T0,
                    CompletedAt = T0.AddSeconds(2),
                    DurationMs = 2000,
                    LogCount = 7,
                },
                new NodeState { NodeId = "report", Status = NodeStatus.Idle, Artifacts = [] },
            ],
            Progress = new RunProgress(2, 0, 1, 0),
        };
        var portBefore = RunFinding.From(
            Findings.Create("network.open-port", "Open port 5433/tcp", FindingSeverity.Info, new FindingAsset("127.0.0.1", 5433, "tcp"), "open"),
            "scan", 1, 5, T0);
        var certBefore = RunFinding.From(
            Findings.Create("tls.self-signed-certificate", "Self-signed certificate", FindingSeverity.Medium, new FindingAsset("127.0.0.1", 443, "tls"), "subject CN=x"),
            "scan", 1, 6, T0);
        var newPort = RunFinding.From(
            Findings.Create("network.open-port", "Open port 7071/tcp", FindingSeverity.Info, new FindingAsset("127.0.0.1", 7071, "tcp"), "open"),
            "scan", 2, 8, T0.AddSeconds(60));
        var diff = new RunDiff
        {
            RunId = "run-1",
            OtherRunId = "run-2",
            WorkflowId = "local-recon",
            OtherWorkflowId = "local-recon",
            Identical = false,
            Status = new ValueChange<RunStatus>(RunStatus.Completed, RunStatus.Failed),
            Findings = new FindingsDiff
            {
                Added = [newPort],
                Resolved = [portBefore],
                Changed = [new FindingChange(certBefore.Fingerprint, certBefore, certBefore with { Severity = FindingSeverity.High, Evidence = "subject CN=y", Sequence = 9 })],
                UnchangedCount = 3,
            },
            Nodes =
            [
                new NodeDiff
                {
                    NodeId = "scan",
                    Change = NodeChange.Changed,
                    Status = new ValueChange<NodeStatus?>(NodeStatus.Completed, NodeStatus.Failed),
                    OutputSummary = new ValueChange<JsonElement?>(summary.RootElement.Clone(), other.RootElement.Clone()),
                    Attempts = new ValueChange<int?>(1, 2),
                    DurationMs = new ValueChange<long?>(100, 900),
                    Artifacts = [new ArtifactChange("report.md", new string('a', 64), new string('b', 64))],
                    Findings = new NodeFindingsChange(Added: 1, Resolved: 1, Changed: 1),
                    Logs = new LogsDiff(10, 12, new Divergence(3, "step 3 of 5", "step 3 of 6")),
                },
                new NodeDiff { NodeId = "report", Change = NodeChange.Unchanged, Logs = new LogsDiff(2, 2, null) },
                new NodeDiff { NodeId = "extra", Change = NodeChange.Added, Logs = new LogsDiff(0, 3, null) },
            ],
            Baseline = new BaselineChoice("run-1", Pinned: true),
        };
        var timeline = new RunTimeline("local-recon",
        [
            new TimelineRun
            {
                RunId = "run-1",
                Status = RunStatus.Completed,
                CreatedAt = T0,
                StartedAt = T0,
                CompletedAt = T0.AddSeconds(3),
                DurationMs = 3000,
                WorkflowVersion = 2,
            },
        ]);
        return new { state, diff, timeline };
    }

    private static RunAttempts RunAttempts() => new()
    {
        RunId = "run-1",
        Status = RunStatus.Completed,
        StartedAt = T0,
        EndedAt = T0.AddSeconds(10),
        At = T0.AddSeconds(10),
        Sequence = 12,
        Attempts =
        [
            new AttemptSpan
            {
                NodeId = "scan", Attempt = 1, Status = NodeStatus.Retrying, Start = T0, End = T0.AddSeconds(2), Critical = true,
                Phases = [new(AttemptPhaseKind.Queued, T0, T0.AddSeconds(1), 1000), new(AttemptPhaseKind.Running, T0.AddSeconds(1), T0.AddSeconds(2), 1000)],
            },
            new AttemptSpan
            {
                NodeId = "scan", Attempt = 2, Status = NodeStatus.Completed, Start = T0.AddSeconds(2), End = T0.AddSeconds(5), Critical = true,
                Phases = [new(AttemptPhaseKind.Backoff, T0.AddSeconds(2), T0.AddSeconds(3), 1000), new(AttemptPhaseKind.Running, T0.AddSeconds(3), T0.AddSeconds(5), 2000)],
            },
            new AttemptSpan
            {
                NodeId = "approve", Attempt = 1, Status = NodeStatus.Waiting, Start = T0.AddSeconds(5),
                Phases = [new(AttemptPhaseKind.Waiting, T0.AddSeconds(5), null, null)],
            },
        ],
        CriticalPath = ["scan"],
        CriticalPathMs = 5000,
    };

    private static TraceEvent[] TraceEvents()
    {
        var artifact = new ArtifactReference
        {
            ArtifactId = "report-md",
            Name = "report.md",
            ContentType = "text/markdown",
            Size = 1234,
            Sha256 = new string('a', 64),
            Container = "artifacts",
            BlobName = "runs/run-1/report/1/report.md",
        };
        using var summary = JsonDocument.Parse("""{"openPorts":[5433,7071],"count":2}""");
        var sequence = 0L;
        TraceEvent Event(TraceEventType type, string? nodeId, int attempt) => new()
        {
            Id = $"evt-{sequence + 1}",
            RunId = "run-1",
            NodeId = nodeId,
            Attempt = attempt,
            Type = type,
            Timestamp = T0.AddSeconds(sequence),
            Sequence = ++sequence,
        };

        return
        [
            Event(TraceEventType.WorkflowStatus, null, 0) with { Status = RunStatus.Running, Message = "Run started" },
            Event(TraceEventType.NodeStarted, "scan", 1) with
            {
                Message = "Attempt 1 started",
                Inputs = JsonDocument.Parse("""{"host":"127.0.0.1","token":"***","targets":{"$blob":{"artifactId":"scan.1.input.targets","name":"targets.json","contentType":"application/json","size":9000,"sha256":"dd","container":"artifacts","blobName":"run-1/scan/1/targets.json"}}}""").RootElement.Clone(),
            },
            Event(TraceEventType.NodeLog, "scan", 1) with { Message = "open", Output = new TraceOutput(OutputPipe.Stdout, "\u001b[32mopen\u001b[0m") },
            Event(TraceEventType.NodeLog, "scan", 1) with { Level = TraceEventLevel.Warn, Message = "note", Output = new TraceOutput(OutputPipe.Stderr) },
            Event(TraceEventType.NodeLog, "scan", 1) with
            {
                Level = TraceEventLevel.Debug, Message = "Scanning 127.0.0.1", TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", SpanId = "00f067aa0ba902b7",
            },
            Event(TraceEventType.NodeProgress, "scan", 1) with { Progress = new TraceProgress(89, 127) },
            Event(TraceEventType.NodeFailed, "scan", 1) with
            {
                Level = TraceEventLevel.Error,
                Error = new TraceError("connection refused", "exception", WillRetry: true),
            },
            Event(TraceEventType.NodeLog, "scan", 2) with { Level = TraceEventLevel.Warn, Message = "slow host" },
            Event(TraceEventType.NodeArtifact, "report", 1) with { Artifact = artifact, Message = "report.md" },
            Event(TraceEventType.NodeFinding, "scan", 2) with
            {
                Level = TraceEventLevel.Warn,
                Message = "[MEDIUM] Self-signed certificate (127.0.0.1:443/tls)",
                Finding = Findings.Create("tls.self-signed-certificate", "Self-signed certificate", FindingSeverity.Medium,
                    new FindingAsset("127.0.0.1", 443, "tls"), "subject CN=x, issuer CN=x", JsonDocument.Parse("""{"selfSigned":true}""").RootElement.Clone()),
            },
            Event(TraceEventType.NodeCompleted, "scan", 2) with { OutputSummary = summary.RootElement.Clone() },
            Event(TraceEventType.NodeSkipped, "probe", 0) with
            {
                Level = TraceEventLevel.Warn,
                Error = new TraceError("Run cancelled", "cancelled"),
            },
            Event(TraceEventType.WorkflowStatus, null, 0) with
            {
                Status = RunStatus.Failed,
                Level = TraceEventLevel.Error,
                Error = new TraceError("scan failed", "upstream-failed"),
            },
        ];
    }

    private static RunSummary[] RunSummaries() =>
    [
        new()
        {
            RunId = "run-queued",
            WorkflowId = "local-recon",
            WorkflowVersion = 1,
            Status = RunStatus.Queued,
            CreatedAt = T0,
            UpdatedAt = T0,
            Progress = new RunProgress(4, 0, 0, 0),
        },
        new()
        {
            RunId = "run-failed",
            WorkflowId = "local-recon",
            WorkflowVersion = 1,
            Status = RunStatus.Failed,
            CreatedAt = T0,
            StartedAt = T0.AddSeconds(1),
            UpdatedAt = T0.AddSeconds(9),
            CompletedAt = T0.AddSeconds(9),
            Failure = new RunFailure("scan", "connection refused"),
            Progress = new RunProgress(4, 1, 1, 0),
            Inputs = new Dictionary<string, JsonElement>
            {
                ["target"] = JsonSerializer.SerializeToElement("127.0.0.1"),
                ["token"] = JsonSerializer.SerializeToElement("***"),
            },
            Findings = new FindingCounts(Info: 3, Medium: 1),
        },
        new()
        {
            RunId = "run-rerun",
            WorkflowId = "local-recon",
            WorkflowVersion = 1,
            Status = RunStatus.Running,
            CreatedAt = T0.AddSeconds(20),
            StartedAt = T0.AddSeconds(21),
            UpdatedAt = T0.AddSeconds(21),
            Progress = new RunProgress(4, 1, 0, 1),
            Trigger = RunTrigger.Rerun("run-failed"),
        },
        new()
        {
            RunId = "sch-nightly-20260102T030000Z",
            WorkflowId = "local-recon",
            WorkflowVersion = 1,
            Status = RunStatus.Queued,
            CreatedAt = T0.AddSeconds(30),
            UpdatedAt = T0.AddSeconds(30),
            Progress = new RunProgress(4, 0, 0, 0),
            Trigger = RunTrigger.Schedule("sch-nightly"),
        },
        new()
        {
            RunId = "run-compared",
            WorkflowId = "local-recon",
            WorkflowVersion = 1,
            Status = RunStatus.Completed,
            CreatedAt = T0,
            StartedAt = T0.AddSeconds(1),
            UpdatedAt = T0.AddSeconds(5),
            CompletedAt = T0.AddSeconds(5),
            Progress = new RunProgress(4, 4, 0, 0),
            Findings = new FindingCounts(Info: 4),
            Baseline = new RunBaseline("run-failed", FindingsAdded: 2, FindingsResolved: 1),
        },
    ];

    private static WorkflowDefinition Workflow()
    {
        using var inputs = JsonDocument.Parse("""{"host":"127.0.0.1","ports":{"$ref":"scan.openPorts"},"retries":[1,2]}""");
        return new WorkflowDefinition
        {
            Id = "local-recon",
            Name = "Local recon",
            Description = "Fixture",
            Inputs = new Dictionary<string, WorkflowInputDefinition>
            {
                ["target"] = new() { Type = WorkflowInputType.Host, Default = JsonSerializer.SerializeToElement("127.0.0.1"), Description = "Host to scan" },
                ["ports"] = new() { Type = WorkflowInputType.Ports, Required = true },
                ["token"] = new() { Type = WorkflowInputType.String, Secret = true },
            },
            Nodes =
            [
                new NodeDefinition { Id = "scan", Component = "security.port-scan" },
                new NodeDefinition
                {
                    Id = "probe",
                    Component = "security.http-probe",
                    Inputs = inputs.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
                    DependsOn = ["scan"],
                    Retry = new RetryPolicy { MaxAttempts = 2 },
                    TimeoutSeconds = 120,
                },
            ],
            Alerts =
            [
                new AlertRule
                {
                    On = AlertTrigger.NewFindings,
                    MinSeverity = FindingSeverity.Medium,
                    Webhook = new AlertWebhook { Url = "http://127.0.0.1:9000/hook", Secret = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["$input"] = "hookSecret" }) },
                },
                new AlertRule { On = AlertTrigger.RunFailed, Webhook = new AlertWebhook { Url = "http://127.0.0.1:9000/hook", Secret = JsonSerializer.SerializeToElement("team-hook") } },
            ],
        };
    }

    private static object Inspect()
    {
        using var outputs = JsonDocument.Parse("""{"openPorts":[5433],"count":1}""");
        using var inputs = JsonDocument.Parse("""{"target":{"$input":"target"},"ports":"1-1024"}""");
        var artifact = new ArtifactReference
        {
            ArtifactId = "scan.2.4",
            Name = "nmap.xml",
            ContentType = "application/xml",
            Size = 2048,
            Sha256 = new string('c', 64),
            Container = "artifacts",
            BlobName = "run-1/scan/2/scan.2.4/nmap.xml",
        };
        var finding = RunFinding.From(
            Findings.Create("network.open-port", "Open port 5433/tcp", FindingSeverity.Info, new FindingAsset("127.0.0.1", 5433, "tcp"), "open"),
            "scan", 2, 9, T0.AddSeconds(4));
        var inspection = new NodeInspection
        {
            RunId = "run-1",
            NodeId = "scan",
            Definition = new NodeDefinition
            {
                Id = "scan",
                Component = "security.nmap",
                Inputs = inputs.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
                Retry = new RetryPolicy { MaxAttempts = 2 },
                TimeoutSeconds = 300,
            },
            State = new NodeState
            {
                NodeId = "scan",
                Status = NodeStatus.Completed,
                Attempt = 2,
                LastMessage = "nmap found 1 open port(s)",
                OutputSummary = outputs.RootElement.Clone(),
                Artifacts = [artifact],
                StartedAt = T0,
                CompletedAt = T0.AddSeconds(4),
                DurationMs = 4000,
                LogCount = 3,
                FindingCount = 1,
                HighestSeverity = FindingSeverity.Info,
            },
            Attempts =
            [
                new NodeAttempt
                {
                    Attempt = 1,
                    Delivery = 1,
                    Status = NodeStatus.Retrying,
                    StartedAt = T0,
                    EndedAt = T0.AddSeconds(1),
                    DurationMs = 1000,
                    Error = new TraceError("connection refused", "exception", WillRetry: true),
                },
                new NodeAttempt
                {
                    Attempt = 2,
                    Delivery = 2,
                    Status = NodeStatus.Completed,
                    StartedAt = T0.AddSeconds(3),
                    EndedAt = T0.AddSeconds(4),
                    DurationMs = 1000,
                    Outputs = outputs.RootElement.Clone(),
                },
            ],
            Artifacts = [artifact],
            Findings = [finding],
        };
        var search = new RunSearchPage(
            [new RunSearchResult("run-1", "local-recon", "scan", 7, T0.AddSeconds(2), $"nmap {RunSearchResult.MatchStart}found{RunSearchResult.MatchEnd} 1 open port(s)")],
            new RunSearchCursor(T0.AddSeconds(2), "run-1", 7).ToString());
        return new { inspection, search };
    }

    private static void AssertFixture(string name, object value)
    {
        var path = RepositoryPaths.Of("src", "Dashboard", "src", "api", "fixtures", name);
        var expected = JsonSerializer.Serialize(value, FixtureOptions).ReplaceLineEndings("\n") + "\n";
        var generated = RepositoryPaths.Of(".artifacts", "fixtures", name);
        Directory.CreateDirectory(Path.GetDirectoryName(generated)!);
        File.WriteAllText(generated, expected);

        var actual = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "(missing)";
        Assert.True(
            expected == actual,
            $"{path} no longer matches the C# contract records (generated: {generated}). If the change is meant, run "
            + "scripts/update-fixtures, then fix src/Dashboard/src/api/contracts.ts until `npm run build` passes.\n"
            + $"Expected:\n{expected}\nActual:\n{actual}");
    }

    private sealed class PinnedRun(string runId) : IRunBaselines
    {
        public Task<BaselineChoice?> FindAsync(string runId, CancellationToken cancellationToken = default) => Task.FromResult<BaselineChoice?>(null);

        public Task<bool> PinAsync(string workflowId, string runId, DateTimeOffset pinnedAt, CancellationToken cancellationToken = default) => Task.FromResult(false);

        public Task<bool> UnpinAsync(string workflowId, CancellationToken cancellationToken = default) => Task.FromResult(false);

        public Task<string?> PinnedAsync(string workflowId, CancellationToken cancellationToken = default) => Task.FromResult<string?>(runId);
    }

    private sealed class OpenFindingsOf(WorkflowFindings open) : IRunFindings
    {
        public Task<IReadOnlyList<RunFinding>> ListAsync(string runId, FindingSeverity? severity = null, string? nodeId = null, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<RunFinding>>([]);

        public Task<WorkflowFindings> ListOpenAsync(string workflowId, CancellationToken cancellationToken = default) => Task.FromResult(open);
    }

    private sealed class OneSchedule(WorkflowSchedule schedule) : IScheduleStore
    {
        public Task CreateAsync(NewSchedule schedule, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<WorkflowSchedule>> ListAsync(string workflowId, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<WorkflowSchedule>>([schedule]);

        public Task<bool> DeleteAsync(string workflowId, string scheduleId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<int> FireDueAsync(DateTimeOffset now, int limit, Func<DueFire, CancellationToken, Task<FireOutcome>> start, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class OneWorkflow(WorkflowDefinition definition) : IWorkflowStore
    {
        private StoredWorkflow Stored => new(definition, 1, T0);

        public Task<StoredWorkflow> SaveAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default) => Task.FromResult(Stored);

        public Task<StoredWorkflow?> GetAsync(string workflowId, CancellationToken cancellationToken = default)
            => Task.FromResult(workflowId == definition.Id ? Stored : null);

        public Task<StoredWorkflow?> GetAsync(string workflowId, int version, CancellationToken cancellationToken = default)
            => Task.FromResult(workflowId == definition.Id && version == 1 ? Stored : null);
    }
}
