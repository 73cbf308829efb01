using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipSec.Orchestrations;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Runs;

/// <summary>A run that was accepted and scheduled.</summary>
public sealed record StartedRun(string RunId, string WorkflowId, int WorkflowVersion);

/// <summary>
/// What a re-run asks for: the whole workflow again (both null), or a resume that re-executes <paramref name="FromNode"/>
/// and everything downstream of it, or (<paramref name="From"/> = <c>failed</c>) every node that did not complete.
/// </summary>
/// <param name="FromNode">The node to resume from.</param>
/// <param name="From"><c>failed</c>: resume a failed run from its failed and skipped nodes.</param>
public sealed record RerunRequest(string? FromNode = null, string? From = null)
{
    /// <summary>The only value <see cref="From"/> takes.</summary>
    public const string FromFailed = "failed";

    /// <summary>Whether this reuses the parent's outputs rather than running everything again.</summary>
    public bool IsResume => FromNode is not null || From is not null;
}

/// <summary>Why a re-run was refused.</summary>
public enum RerunRefusal
{
    /// <summary>No run with that id.</summary>
    ParentNotFound,

    /// <summary>The parent's orchestration record (its workflow version, inputs and outputs) is gone.</summary>
    ParentUnavailable,

    /// <summary>A resume needs the parent's outputs, so the parent must have ended.</summary>
    ParentNotEnded,

    /// <summary><c>from: failed</c> of a run that did not fail.</summary>
    ParentNotFailed,

    /// <summary><c>fromNode</c> names no node of the parent's workflow version.</summary>
    UnknownNode,
}

/// <summary>How a re-run request ended: the started run, or why not.</summary>
/// <param name="Run">The new run.</param>
/// <param name="Refusal">Why nothing was started.</param>
/// <param name="ReusedNodes">How many nodes the new run takes from its parent rather than executing.</param>
public sealed record RerunStart(StartedRun? Run, RerunRefusal? Refusal, int ReusedNodes = 0);

/// <summary>How a start request ended: a started run, a missing workflow, or input problems (nothing started or stored).</summary>
/// <param name="Run">The run, when it started.</param>
/// <param name="Problems">Why the inputs were refused, each at <c>/inputs/&lt;name&gt;</c>.</param>
public sealed record RunStart(StartedRun? Run, IReadOnlyList<WorkflowProblem> Problems)
{
    /// <summary>No such workflow.</summary>
    public bool WorkflowNotFound => Run is null && Problems.Count == 0;
}

/// <summary>How a cancellation request ended.</summary>
public enum CancelOutcome
{
    /// <summary>The run will stop scheduling nodes and end cancelled.</summary>
    Accepted,

    /// <summary>No such run.</summary>
    NotFound,

    /// <summary>The run had already ended.</summary>
    AlreadyEnded,
}

/// <summary>Starts and cancels runs: the run row first, then the orchestration, so a status is always there to read.</summary>
public sealed class RunLauncher(
    IWorkflowStore workflows,
    IRunStore runs,
    RunReconciler reconciler,
    ITracePublisher publisher,
    TargetScope scope,
    TimeProvider clock,
    IOptions<WorkflowOptions> options,
    ILogger<RunLauncher> logger)
{
    /// <summary>
    /// Starts a run of the latest version of a workflow with <paramref name="inputs"/> (null when none were
    /// given): they are checked against the declared inputs and every <c>host</c> input against the scope
    /// first, and on any problem nothing is started or stored. <paramref name="startedBy"/> (a key's or
    /// principal's name, never a secret) is recorded in the run's trace. The run joins the trace of the current
    /// activity, else of <paramref name="traceParent"/> (the request's W3C header), else a new one.
    /// </summary>
    /// <remarks><paramref name="runId"/> is chosen by the caller (such as the id an idempotency key was claimed for).</remarks>
    public async Task<RunStart> StartAsync(
        DurableTaskClient client,
        string workflowId,
        string runId,
        IReadOnlyDictionary<string, JsonElement>? inputs = null,
        string? startedBy = null,
        string? traceParent = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var stored = await workflows.GetAsync(workflowId, cancellationToken);
        if (stored is null)
        {
            return new RunStart(null, []);
        }

        var definition = stored.Definition;
        var check = WorkflowInputValues.Check(definition, inputs);
        var problems = check.Problems.ToList();
        foreach (var (name, value) in check.Values)
        {
            // After DNS resolution, so a name cannot smuggle an out-of-scope address in.
            if (definition.Inputs[name].Type == WorkflowInputType.Host
                && await scope.ProblemWithAsync(value.GetString()!, cancellationToken) is { } problem)
            {
                problems.Add(new WorkflowProblem($"/inputs/{name}", WorkflowProblemCodes.OutOfScope, $"Input '{name}': {problem}"));
            }
        }

        if (problems.Count > 0)
        {
            return new RunStart(null, problems);
        }

        var masked = definition.Inputs.Count == 0 ? null : WorkflowInputValues.Mask(definition, check.Values);
        await ScheduleAsync(
            client,
            new NewRun(runId, workflowId, stored.Version, definition.Nodes.Count, clock.GetUtcNow(), masked, WorkflowInputValues.Digest(check.Values)),
            new WorkflowRunInput(runId, new WorkflowReference(workflowId, stored.Version), check.Values, startedBy)
            {
                MaxParallelNodes = definition.MaxParallelNodes ?? options.Value.MaxParallelNodes,
            },
            traceParent,
            cancellationToken);
        return new RunStart(new StartedRun(runId, workflowId, stored.Version), []);
    }

    /// <summary>
    /// Starts a new run of the same workflow version as <paramref name="parentRunId"/>, with the same input values (taken
    /// from the parent's orchestration input, so secret values are reused without ever being read back through the API).
    /// A resume (<see cref="RerunRequest.IsResume"/>) also takes the outputs of the nodes it does not re-execute from the
    /// parent's orchestration output.
    /// </summary>
    public async Task<RerunStart> RerunAsync(
        DurableTaskClient client, string parentRunId, RerunRequest request, string runId, string? startedBy, string? traceParent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        if (await runs.GetAsync(parentRunId, cancellationToken) is not { } parent)
        {
            return new RerunStart(null, RerunRefusal.ParentNotFound);
        }

        var instance = await client.GetInstancesAsync(parentRunId, getInputsAndOutputs: true, cancellationToken);
        if (instance?.ReadInputAs<WorkflowRunInput>() is not { } parentInput)
        {
            return new RerunStart(null, RerunRefusal.ParentUnavailable);
        }

        ReusedOutputs? reuse = null;
        if (request.IsResume)
        {
            if (!TraceFold.IsFinal(parent.Status) || !instance.IsCompleted)
            {
                return new RerunStart(null, RerunRefusal.ParentNotEnded);
            }

            if (request.From is not null && parent.Status != RunStatus.Failed)
            {
                return new RerunStart(null, RerunRefusal.ParentNotFailed);
            }

            if (await workflows.GetAsync(parentInput.Workflow.Id, parentInput.Workflow.Version, cancellationToken) is not { } version)
            {
                return new RerunStart(null, RerunRefusal.ParentUnavailable);
            }

            var graph = new WorkflowGraph(version.Definition);
            if (request.FromNode is { } fromNode && !graph.Contains(fromNode))
            {
                return new RerunStart(null, RerunRefusal.UnknownNode);
            }

            HashSet<string> again = request.FromNode is { } from ? [from, .. graph.Descendants(from)] : [];
            var parentOutputs = instance.ReadOutputAs<WorkflowRunResult>()?.Outputs ?? new Dictionary<string, NodeOutputs>();
            reuse = new ReusedOutputs(parentRunId, parentOutputs
                .Where(o => graph.Contains(o.Key) && !again.Contains(o.Key))
                .ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal));
        }

        // `with` keeps everything else the parent started with: its workflow version and input values, secret ones
        // included (the run row gets the parent's masked copy).
        var input = parentInput with { RunId = runId, StartedBy = startedBy, Reuse = reuse };
        var run = new NewRun(runId, parent.WorkflowId, parent.WorkflowVersion, parent.Progress.NodesTotal, clock.GetUtcNow(), parent.Inputs,
            WorkflowInputValues.Digest(parentInput.Inputs ?? new Dictionary<string, JsonElement>())) { Trigger = RunTrigger.Rerun(parentRunId) };
        await ScheduleAsync(client, run, input, traceParent, cancellationToken);
        return new RerunStart(new StartedRun(runId, parent.WorkflowId, parent.WorkflowVersion), null, reuse?.Outputs.Count ?? 0);
    }

    // The run row first, then the orchestration, so a status is always there to read.
    private async Task ScheduleAsync(DurableTaskClient client, NewRun run, WorkflowRunInput input, string? traceParent, CancellationToken cancellationToken)
    {
        var runId = run.RunId;
        using var span = RunTelemetry.StartRun(runId, run.WorkflowId, traceParent);
        await runs.CreateAsync(run, cancellationToken);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                OrchestratorNames.WorkflowRun,
                input with { TraceParent = RunTelemetry.TraceParentOf(span) },
                new StartOrchestrationOptions(runId),
                cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The run row exists; without this it would read "queued" forever.
            span.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.Message);
            await publisher.PublishAsync(
                [RunTelemetry.Stamp(RecordRunEventsActivity.ToTraceEvent(runId, new RunEventSpec(TraceEventType.WorkflowStatus, clock.GetUtcNow(), RunStatus.Failed, Message: $"The run could not be scheduled: {exception.Message}", ErrorKind: "schedule-failed")), span)],
                CancellationToken.None);
            throw;
        }

        FunctionsLog.RunScheduled(logger, runId, run.WorkflowId, run.WorkflowVersion);
    }

    /// <summary>
    /// Asks a run to stop: running nodes are cancelled, nothing new is scheduled; the trace names <paramref name="cancelledBy"/>.
    /// A run whose orchestration has already ended (or never existed) is not "accepted" for cancelling: it is reconciled
    /// and reported as ended.
    /// </summary>
    public async Task<CancelOutcome> CancelAsync(DurableTaskClient client, string runId, string? cancelledBy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var summary = await runs.GetAsync(runId, cancellationToken);
        if (summary is null)
        {
            return CancelOutcome.NotFound;
        }

        if (summary.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled)
        {
            return CancelOutcome.AlreadyEnded;
        }

        if (await reconciler.ReconcileAsync(client, summary, cancellationToken) is null)
        {
            return CancelOutcome.AlreadyEnded;
        }

        await runs.RequestCancellationAsync(runId, cancellationToken);
        await client.RaiseEventAsync(runId, OrchestrationEventNames.Cancel, cancelledBy ?? OrchestrationEventNames.CancelRequestedByUnknown, cancellationToken);
        FunctionsLog.RunCancelRequested(logger, runId);
        return CancelOutcome.Accepted;
    }
}
