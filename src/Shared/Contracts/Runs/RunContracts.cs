using System.Text.Json;
using System.Text.Json.Serialization;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Runs;

/// <summary>Status of a run, lowercase on the wire.</summary>
public enum RunStatus
{
    /// <summary>Accepted, not started.</summary>
    [JsonStringEnumMemberName("queued")] Queued,

    /// <summary>At least one node has been scheduled.</summary>
    [JsonStringEnumMemberName("running")] Running,

    /// <summary>Every node completed.</summary>
    [JsonStringEnumMemberName("completed")] Completed,

    /// <summary>A node failed after its last attempt.</summary>
    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>Cancelled on request.</summary>
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>Status of one node within a run, lowercase on the wire.</summary>
public enum NodeStatus
{
    /// <summary>Not started yet.</summary>
    [JsonStringEnumMemberName("idle")] Idle,

    /// <summary>An attempt is running.</summary>
    [JsonStringEnumMemberName("running")] Running,

    /// <summary>An attempt failed and another will follow.</summary>
    [JsonStringEnumMemberName("retrying")] Retrying,

    /// <summary>Succeeded.</summary>
    [JsonStringEnumMemberName("completed")] Completed,

    /// <summary>Failed after its last attempt.</summary>
    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>Not run because an upstream node failed.</summary>
    [JsonStringEnumMemberName("skipped")] Skipped,

    /// <summary>Stopped, or never run, because the run was cancelled.</summary>
    [JsonStringEnumMemberName("cancelled")] Cancelled,

    /// <summary>Waits for a person's decision (an approval step); no worker is held meanwhile.</summary>
    [JsonStringEnumMemberName("waiting")] Waiting,
}

/// <summary>What started a run, lowercase on the wire.</summary>
public enum RunTriggerKind
{
    /// <summary>A start request to the API (or the CLI, or the dashboard).</summary>
    [JsonStringEnumMemberName("api")] Api,

    /// <summary>A re-run (or resume) of another run.</summary>
    [JsonStringEnumMemberName("rerun")] Rerun,

    /// <summary>A workflow schedule.</summary>
    [JsonStringEnumMemberName("schedule")] Schedule,
}

/// <summary>What started a run: <c>{kind: "api"}</c>, <c>{kind: "rerun", parentRunId}</c> or <c>{kind: "schedule", scheduleId}</c>.</summary>
/// <param name="Kind">What kind of start.</param>
/// <param name="ParentRunId">The run this one re-runs (kind <c>rerun</c>).</param>
/// <param name="ScheduleId">The schedule that fired (kind <c>schedule</c>).</param>
public sealed record RunTrigger(
    RunTriggerKind Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ParentRunId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ScheduleId = null)
{
    /// <summary>A start through the API.</summary>
    public static RunTrigger Api { get; } = new(RunTriggerKind.Api);

    /// <summary>A re-run of <paramref name="parentRunId"/>.</summary>
    public static RunTrigger Rerun(string parentRunId) => new(RunTriggerKind.Rerun, ParentRunId: parentRunId);

    /// <summary>A fire of schedule <paramref name="scheduleId"/>.</summary>
    public static RunTrigger Schedule(string scheduleId) => new(RunTriggerKind.Schedule, ScheduleId: scheduleId);
}

/// <summary>Which node ended the run failed, and why.</summary>
public sealed record RunFailure(string NodeId, string Message);

/// <summary>Node counters of a run.</summary>
public sealed record RunProgress(int NodesTotal, int NodesCompleted, int NodesFailed, int NodesRunning)
{
    /// <summary>Nodes waiting for a decision (approval steps).</summary>
    public int NodesWaiting { get; init; }
}

/// <summary>The status contract of <c>GET /api/workflows/runs/{runId}/status</c>.</summary>
public sealed record RunSummary
{
    /// <summary>The run (and orchestration instance) id.</summary>
    public required string RunId { get; init; }
    /// <summary>The workflow it runs.</summary>
    public required string WorkflowId { get; init; }
    /// <summary>The stored version of that workflow the run uses.</summary>
    public int WorkflowVersion { get; init; }
    /// <summary>Current status.</summary>
    public required RunStatus Status { get; init; }
    /// <summary>When the run was accepted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When its first node started.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>When its summary last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When it reached a final status.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>The node that failed the run, when it failed.</summary>
    public RunFailure? Failure { get; init; }
    /// <summary>Node counters.</summary>
    public required RunProgress Progress { get; init; }
    /// <summary>The workflow input values the run started with (defaults applied), secret ones masked.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Inputs { get; init; }
    /// <summary>Distinct findings reported so far, by severity.</summary>
    public FindingCounts Findings { get; init; } = new();
    /// <summary>
    /// The run it was compared with when it completed (see <see cref="IRunBaselines"/>) and how its findings moved
    /// against it; null before it completes, or when it had no baseline.
    /// </summary>
    public RunBaseline? Baseline { get; init; }
    /// <summary>What started the run (runs recorded before triggers were kept read as <c>api</c>).</summary>
    public RunTrigger Trigger { get; init; } = RunTrigger.Api;
    /// <summary>The run this one re-runs, when it is a re-run (the same as <c>trigger.parentRunId</c>).</summary>
    public string? ParentRunId => Trigger.ParentRunId;
}

/// <summary>A completed run's baseline and how its findings moved against it.</summary>
/// <param name="RunId">The baseline run.</param>
/// <param name="FindingsAdded">Fingerprints this run reported that the baseline did not ("new").</param>
/// <param name="FindingsResolved">Fingerprints the baseline reported that this run did not ("resolved").</param>
public sealed record RunBaseline(string RunId, int FindingsAdded, int FindingsResolved);

/// <summary>A run about to be scheduled.</summary>
/// <param name="RunId">The new run's id (also the orchestration instance id).</param>
/// <param name="WorkflowId">The workflow it runs.</param>
/// <param name="WorkflowVersion">The stored version of that workflow.</param>
/// <param name="NodesTotal">How many nodes the workflow has.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="Inputs">The workflow input values it starts with, secret ones already masked.</param>
/// <param name="InputsDigest">
/// A digest of the real input values (secrets included), so runs with the same inputs can be matched without
/// storing or revealing a secret; see <see cref="IRunBaselines"/>.
/// </param>
public sealed record NewRun(string RunId, string WorkflowId, int WorkflowVersion, int NodesTotal, DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, JsonElement>? Inputs = null, string? InputsDigest = null)
{
    /// <summary>What started it.</summary>
    public RunTrigger Trigger { get; init; } = RunTrigger.Api;
}

/// <summary>Runs: their creation, summaries (kept up to date by the trace collector) and cancellation.</summary>
public interface IRunStore
{
    /// <summary>Records a queued run.</summary>
    Task CreateAsync(NewRun run, CancellationToken cancellationToken = default);

    /// <summary>The run's summary, or null when no such run exists.</summary>
    Task<RunSummary?> GetAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Runs newest first, optionally of one workflow.</summary>
    Task<IReadOnlyList<RunSummary>> ListAsync(string? workflowId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs still <c>queued</c> or <c>running</c> whose summary last changed before <paramref name="updatedBefore"/>,
    /// oldest first: the candidates for reconciling a run with its orchestration.
    /// </summary>
    Task<IReadOnlyList<RunSummary>> ListUnfinishedAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>The status of one node of a run as its summary has it (idle when it has no event yet); null when the run does not exist.</summary>
    Task<NodeStatus?> GetNodeStatusAsync(string runId, string nodeId, CancellationToken cancellationToken = default);

    /// <summary>Marks a run for cancellation; false when the run does not exist.</summary>
    Task<bool> RequestCancellationAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Those of <paramref name="runIds"/> whose cancellation was requested: one query for every run a worker
    /// has nodes of, rather than one per running node.
    /// </summary>
    Task<IReadOnlyCollection<string>> CancellationRequestedAmongAsync(IReadOnlyCollection<string> runIds, CancellationToken cancellationToken = default);
}
