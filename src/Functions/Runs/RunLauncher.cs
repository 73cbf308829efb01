using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ShipSec.Orchestrations;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Runs;

/// <summary>A run that was accepted and scheduled.</summary>
public sealed record StartedRun(string RunId, string WorkflowId, int WorkflowVersion);

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
    ILogger<RunLauncher> logger)
{
    /// <summary>
    /// Starts a run of the latest version of a workflow with <paramref name="inputs"/> (null when none were
    /// given): they are checked against the declared inputs and every <c>host</c> input against the scope
    /// first, and on any problem nothing is started or stored. <paramref name="startedBy"/> (a key's or
    /// principal's name, never a secret) is recorded in the run's trace. The run joins the trace of the current
    /// activity, else of <paramref name="traceParent"/> (the request's W3C header), else a new one.
    /// </summary>
    public async Task<RunStart> StartAsync(
        DurableTaskClient client,
        string workflowId,
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

        var runId = Guid.NewGuid().ToString("N");
        using var span = RunTelemetry.StartRun(runId, workflowId, traceParent);
        var masked = definition.Inputs.Count == 0 ? null : WorkflowInputValues.Mask(definition, check.Values);
        await runs.CreateAsync(
            new NewRun(runId, workflowId, stored.Version, definition.Nodes.Count, clock.GetUtcNow(), masked, WorkflowInputValues.Digest(check.Values)),
            cancellationToken);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                OrchestratorNames.WorkflowRun,
                new WorkflowRunInput(runId, definition, check.Values, startedBy, RunTelemetry.TraceParentOf(span)),
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

        FunctionsLog.RunScheduled(logger, runId, workflowId, stored.Version);
        return new RunStart(new StartedRun(runId, workflowId, stored.Version), []);
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
