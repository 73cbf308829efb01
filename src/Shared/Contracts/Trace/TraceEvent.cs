using System.Text.Json;
using System.Text.Json.Serialization;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Trace;

/// <summary>
/// One entry of a run's append-only trace. The emitter chooses <see cref="Id"/> (stable across retried
/// deliveries and replayed activities); the collector assigns <see cref="Sequence"/>, gapless from 1 per run.
/// </summary>
public sealed record TraceEvent
{
    /// <summary>Stable identifier chosen by the emitter; the store ignores an id it already holds.</summary>
    public required string Id { get; init; }

    /// <summary>The run this event belongs to.</summary>
    public required string RunId { get; init; }

    /// <summary>The node that emitted it; null for run-level events.</summary>
    public string? NodeId { get; init; }

    /// <summary>Attempt number of the node (1-based); 0 for run-level events.</summary>
    public int Attempt { get; init; }

    /// <summary>What happened.</summary>
    public required TraceEventType Type { get; init; }

    /// <summary>Severity.</summary>
    public TraceEventLevel Level { get; init; } = TraceEventLevel.Info;

    /// <summary>When the emitter observed it.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Position in the run's trace, assigned by the collector; 0 before that.</summary>
    public long Sequence { get; init; }

    /// <summary>Log line or human summary.</summary>
    public string? Message { get; init; }

    /// <summary>Failure details of NODE_FAILED, or of WORKFLOW_STATUS failed.</summary>
    public TraceError? Error { get; init; }

    /// <summary>Progress of NODE_PROGRESS.</summary>
    public TraceProgress? Progress { get; init; }

    /// <summary>The stored artifact of NODE_ARTIFACT.</summary>
    public ArtifactReference? Artifact { get; init; }

    /// <summary>A small summary of a completed node's outputs.</summary>
    public JsonElement? OutputSummary { get; init; }

    /// <summary>
    /// On NODE_STARTED: the inputs the attempt received, after <c>$ref</c> and <c>$input</c> references were resolved,
    /// secrets masked; a value whose JSON is over <see cref="TraceInputs.MaxInlineValueBytes"/> is stored in Blob and
    /// appears here as <c>{"$blob": ArtifactReference}</c>, fetched on demand through the artifact route. Null when the
    /// attempt failed before its inputs were resolved.
    /// </summary>
    public JsonElement? Inputs { get; init; }

    /// <summary>
    /// On a NODE_LOG that is a line of process output: the stream it came from, and the line as the process wrote
    /// it (ANSI colour sequences included) when that differs from <see cref="Message"/>, which holds it cleaned.
    /// </summary>
    public TraceOutput? Output { get; init; }

    /// <summary>The run's new status, on WORKFLOW_STATUS.</summary>
    public RunStatus? Status { get; init; }

    /// <summary>The finding of NODE_FINDING.</summary>
    public Finding? Finding { get; init; }

    /// <summary>
    /// W3C trace id (32 lowercase hex digits) of the span that emitted the event: the run's trace, the one of the
    /// <c>traceparent</c> that started it when there was one. Null on events stored before tracing.
    /// </summary>
    public string? TraceId { get; init; }

    /// <summary>W3C span id (16 lowercase hex digits) of the span that emitted the event: a node attempt's, or the run's.</summary>
    public string? SpanId { get; init; }
}

/// <summary>What the kinds of trace event mean beyond their name.</summary>
public static class TraceEventTypes
{
    /// <summary>
    /// Whether an event of <paramref name="type"/> changes a node's or the run's state (its summary), rather than
    /// only adding to the trace as logs, progress and artifacts do.
    /// </summary>
    public static bool ChangesState(TraceEventType type) => type is TraceEventType.NodeStarted or TraceEventType.NodeCompleted
        or TraceEventType.NodeFailed or TraceEventType.NodeSkipped or TraceEventType.NodeAwaitingInput or TraceEventType.WorkflowStatus;
}

/// <summary>The kinds of trace event.</summary>
public enum TraceEventType
{
    /// <summary>An attempt of a node began.</summary>
    [JsonStringEnumMemberName("NODE_STARTED")] NodeStarted,

    /// <summary>A log line of a node.</summary>
    [JsonStringEnumMemberName("NODE_LOG")] NodeLog,

    /// <summary>Progress of a node (current of total).</summary>
    [JsonStringEnumMemberName("NODE_PROGRESS")] NodeProgress,

    /// <summary>A node stored an artifact.</summary>
    [JsonStringEnumMemberName("NODE_ARTIFACT")] NodeArtifact,

    /// <summary>An attempt of a node succeeded.</summary>
    [JsonStringEnumMemberName("NODE_COMPLETED")] NodeCompleted,

    /// <summary>An attempt of a node failed (it may be retried).</summary>
    [JsonStringEnumMemberName("NODE_FAILED")] NodeFailed,

    /// <summary>A node will not run because an upstream node failed or the run was cancelled.</summary>
    [JsonStringEnumMemberName("NODE_SKIPPED")] NodeSkipped,

    /// <summary>The run changed status.</summary>
    [JsonStringEnumMemberName("WORKFLOW_STATUS")] WorkflowStatus,

    /// <summary>A node reported a finding.</summary>
    [JsonStringEnumMemberName("NODE_FINDING")] NodeFinding,

    /// <summary>One attempt to deliver a run's alert to its webhook (run-level: target host, status code, attempt).</summary>
    [JsonStringEnumMemberName("RUN_ALERT")] RunAlert,

    /// <summary>A node (an approval step) waits for a person's decision.</summary>
    [JsonStringEnumMemberName("NODE_AWAITING_INPUT")] NodeAwaitingInput,
}

/// <summary>Severity of a trace event.</summary>
public enum TraceEventLevel
{
    /// <summary>Diagnostic detail.</summary>
    [JsonStringEnumMemberName("debug")] Debug,

    /// <summary>Normal operation.</summary>
    [JsonStringEnumMemberName("info")] Info,

    /// <summary>Something unexpected that did not fail the node.</summary>
    [JsonStringEnumMemberName("warn")] Warn,

    /// <summary>A failure.</summary>
    [JsonStringEnumMemberName("error")] Error,
}

/// <summary>Why a node attempt or a run failed.</summary>
/// <param name="Message">What went wrong, for a person.</param>
/// <param name="Kind">A short machine-readable kind: <c>exception</c>, <c>timeout</c>, <c>exit-code</c>, <c>upstream-failed</c>, <c>cancelled</c>.</param>
/// <param name="WillRetry">True when the orchestrator will try the node again.</param>
public sealed record TraceError(string Message, string Kind, bool WillRetry = false);

/// <summary>A line of process output, as a terminal shows it.</summary>
/// <param name="Stream">Where the process wrote it: stdout or stderr.</param>
/// <param name="Raw">The line as written, ANSI escape sequences included; null when it equals the event's cleaned message.</param>
public sealed record TraceOutput(OutputPipe Stream, string? Raw = null);

/// <summary>The standard stream (pipe) a line of process output came from.</summary>
public enum OutputPipe
{
    /// <summary>Standard output.</summary>
    [JsonStringEnumMemberName("stdout")] Stdout,

    /// <summary>Standard error.</summary>
    [JsonStringEnumMemberName("stderr")] Stderr,
}

/// <summary>How an attempt's resolved inputs are kept in its NODE_STARTED event.</summary>
public static class TraceInputs
{
    /// <summary>
    /// Largest input value (its JSON, in bytes) kept in the trace event itself; a larger one goes to Blob. Small
    /// enough that a node with many inputs still fits one event of the transports' 1 MB.
    /// </summary>
    public const int MaxInlineValueBytes = 4 * 1024;

    /// <summary>The property of the object that stands for a value stored in Blob: <c>{"$blob": ArtifactReference}</c>.</summary>
    public const string BlobProperty = "$blob";
}

/// <summary>Progress of a node: <paramref name="Current"/> of <paramref name="Total"/>.</summary>
public sealed record TraceProgress(long Current, long Total);
