using System.Text.Json;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>
/// Input of <see cref="WorkflowRunOrchestrator"/>. It names the workflow version rather than carrying its body: stored
/// versions never change, so the orchestrator loads it once (<see cref="LoadWorkflowActivity"/>) and the start message
/// stays small whatever the workflow's size.
/// </summary>
/// <param name="RunId">The run id (also the instance id).</param>
/// <param name="Workflow">The stored workflow version to run.</param>
/// <param name="Inputs">The workflow input values the run started with (checked, defaults applied), by name.</param>
/// <param name="StartedBy">The name of the key or principal that started it (never a secret); recorded in the trace.</param>
/// <param name="TraceParent">W3C <c>traceparent</c> of the run's start span: node attempts and the run span are its children.</param>
public sealed record WorkflowRunInput(
    string RunId, WorkflowReference Workflow, IReadOnlyDictionary<string, JsonElement>? Inputs = null, string? StartedBy = null, string? TraceParent = null)
{
    /// <summary>Nodes this run does not execute: their outputs are the parent run's (a resume). Null for a full run.</summary>
    public ReusedOutputs? Reuse { get; init; }

    /// <summary>Most nodes of this run executing at once: the workflow's <c>maxParallelNodes</c>, else the deployment's default.</summary>
    public int MaxParallelNodes { get; init; } = WorkflowLimits.DefaultMaxParallelNodes;
}

/// <summary>One stored version of a workflow.</summary>
/// <param name="Id">The workflow id.</param>
/// <param name="Version">The stored version.</param>
public sealed record WorkflowReference(string Id, int Version);

/// <summary>
/// Input of <see cref="RunNodesActivity"/>: nodes of one run that were ready together, each as its first attempt
/// (upstream outputs and bound workflow inputs resolved by the orchestrator).
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Nodes">The first attempt of each node of the batch.</param>
/// <param name="RunStartedAt">The orchestration's replay-safe clock at its first step.</param>
public sealed record NodeBatchInput(string RunId, IReadOnlyList<RunNodeInput> Nodes, DateTimeOffset RunStartedAt)
{
    /// <summary>How many of the batch's nodes run at once: the share of the run's <c>maxParallelNodes</c> the batch holds.</summary>
    public int Parallelism { get; init; } = 1;
}

/// <summary>How one node of a batch ended.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Result">Its attempt's result.</param>
public sealed record NodeRunResult(string NodeId, NodeAttemptResult Result);

/// <summary>The outputs a resumed run takes from its parent instead of executing those nodes again.</summary>
/// <param name="ParentRunId">The run they come from; each reused node's trace event names it.</param>
/// <param name="Outputs">The reused nodes' outputs, by node id.</param>
public sealed record ReusedOutputs(string ParentRunId, IReadOnlyDictionary<string, NodeOutputs> Outputs);

/// <summary>Output of <see cref="WorkflowRunOrchestrator"/>.</summary>
/// <param name="Status">completed, failed or cancelled.</param>
/// <param name="Failure">The node that failed the run, when it failed.</param>
public sealed record WorkflowRunResult(RunStatus Status, RunFailure? Failure)
{
    /// <summary>The outputs of every node that completed (reused ones included), by node id: what a resume of this run reuses.</summary>
    public IReadOnlyDictionary<string, NodeOutputs>? Outputs { get; init; }
}

/// <summary>
/// A node's outputs as they cross the orchestration boundary: inline when small, otherwise a reference to
/// a blob, so orchestration history stays small whatever a component returns.
/// </summary>
/// <param name="Inline">The outputs themselves.</param>
/// <param name="Blob">Where the outputs were stored instead.</param>
public sealed record NodeOutputs(IReadOnlyDictionary<string, JsonElement>? Inline, ArtifactReference? Blob);

/// <summary>Input of <see cref="RunNodeActivity"/>: one attempt of one node.</summary>
public sealed record RunNodeInput
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>The node as written in the workflow (inputs may hold <c>$ref</c> references).</summary>
    public required NodeDefinition Node { get; init; }

    /// <summary>The attempt number, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>Outputs of the upstream nodes this node's inputs reference, by node id.</summary>
    public IReadOnlyDictionary<string, NodeOutputs> Upstream { get; init; } = new Dictionary<string, NodeOutputs>();

    /// <summary>The run's workflow input values the node's <c>$input</c> bindings read, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> WorkflowInputs { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Which of <see cref="WorkflowInputs"/> are secret: masked wherever the node's trace would show them.</summary>
    public IReadOnlyList<string> SecretInputs { get; init; } = [];

    /// <summary>W3C <c>traceparent</c> of the run's start span, the parent of this attempt's span.</summary>
    public string? TraceParent { get; init; }

    /// <summary>Attempts allowed in all; the activity uses it to say whether a failure will be retried.</summary>
    public int MaxAttempts => Math.Max(1, Node.Retry?.MaxAttempts ?? 1);
}

/// <summary>Result of one node attempt.</summary>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="Outputs">The outputs of a successful attempt.</param>
/// <param name="Error">Why it failed.</param>
public sealed record NodeAttemptResult(NodeAttemptOutcome Outcome, NodeOutputs? Outputs, TraceError? Error)
{
    /// <summary>True when the attempt succeeded.</summary>
    public bool Succeeded => Outcome == NodeAttemptOutcome.Succeeded;
}

/// <summary>How a node attempt ended.</summary>
public enum NodeAttemptOutcome
{
    /// <summary>The component returned its outputs.</summary>
    Succeeded,

    /// <summary>The component threw, timed out or could not start.</summary>
    Failed,

    /// <summary>The run was cancelled while it ran.</summary>
    Cancelled,

    /// <summary>
    /// The run had been cancelled before this attempt began: the component was not run and the attempt wrote
    /// no trace event (no NODE_STARTED after a cancel was accepted).
    /// </summary>
    CancelledBeforeStart,
}

/// <summary>Input of <see cref="RecordRunEventsActivity"/>: run-level events the orchestrator decided on.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Events">What to record, in order.</param>
/// <param name="TraceParent">W3C <c>traceparent</c> of the run's start span, the parent of the span recording these events.</param>
/// <param name="RunStartedAt">The orchestration's replay-safe clock at its first step: where the run span begins when <paramref name="Events"/> end the run.</param>
public sealed record RunEventsInput(string RunId, IReadOnlyList<RunEventSpec> Events, string? TraceParent = null, DateTimeOffset? RunStartedAt = null);

/// <summary>One run-level event. Its id is derived from its content, so replays record it once.</summary>
/// <param name="Type">WORKFLOW_STATUS, NODE_SKIPPED, NODE_FAILED (an attempt the orchestrator gave up waiting for), or NODE_COMPLETED (a node whose outputs a resume reused).</param>
/// <param name="Timestamp">The orchestration's replay-safe clock at the decision.</param>
/// <param name="Status">The run's new status (WORKFLOW_STATUS).</param>
/// <param name="NodeId">The node concerned (or, on a failed status, the node that failed the run).</param>
/// <param name="Attempt">The attempt concerned (NODE_FAILED).</param>
/// <param name="Message">Why, for a person.</param>
/// <param name="ErrorKind">A machine-readable reason such as <c>upstream-failed</c> or <c>timeout</c>.</param>
public sealed record RunEventSpec(
    TraceEventType Type,
    DateTimeOffset Timestamp,
    RunStatus? Status = null,
    string? NodeId = null,
    int Attempt = 0,
    string? Message = null,
    string? ErrorKind = null);
