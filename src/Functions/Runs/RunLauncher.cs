using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ShipSec.Orchestrations;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Runs;

/// <summary>A run that was accepted and scheduled.</summary>
public sealed record StartedRun(string RunId, string WorkflowId, int WorkflowVersion);

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
    TimeProvider clock,
    ILogger<RunLauncher> logger)
{
    /// <summary>
    /// Starts a run of the latest version of a workflow; null when the workflow does not exist. <paramref name="startedBy"/>
    /// (a key's or principal's name, never a secret) is recorded in the run's trace. The run joins the trace of the current
    /// activity, else of <paramref name="traceParent"/> (the request's W3C header), else a new one.
    /// </summary>
    public async Task<StartedRun?> StartAsync(
        DurableTaskClient client, string workflowId, string? startedBy = null, string? traceParent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var stored = await workflows.GetAsync(workflowId, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var runId = Guid.NewGuid().ToString("N");
        using var span = RunTelemetry.StartRun(runId, workflowId, traceParent);
        await runs.CreateAsync(new NewRun(runId, workflowId, stored.Version, stored.Definition.Nodes.Count, clock.GetUtcNow()), cancellationToken);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                OrchestratorNames.WorkflowRun,
                new WorkflowRunInput(runId, stored.Definition, startedBy, RunTelemetry.TraceParentOf(span)),
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
        return new StartedRun(runId, workflowId, stored.Version);
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
