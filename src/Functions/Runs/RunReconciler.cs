using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ShipSec.Orchestrations;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Runs;

/// <summary>
/// Keeps a run's status true to its orchestration. A run is <c>queued</c> or <c>running</c> only while its
/// orchestration may still record its end; when the orchestration has ended without doing so (its closing
/// activity failed during an outage, it was terminated, or it never existed), the run is ended here: with the
/// orchestration's own result when it completed, otherwise <c>failed</c> with the reason. Applied when a stale
/// run's status is read, before a cancel, and by the local host's periodic sweep.
/// </summary>
public sealed class RunReconciler(IRunStore runs, ITracePublisher publisher, TimeProvider clock, ILogger<RunReconciler> logger)
{
    /// <summary>A run whose summary has not changed for this long is checked against its orchestration when read.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    /// <summary>How long a run may be queued without an orchestration (between its row and its schedule) before it counts as never scheduled.</summary>
    public static readonly TimeSpan ScheduleGrace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A stale run is checked against its orchestration at most this often when its status is read. Without a bound,
    /// each read asked orchestration storage: a dashboard polling a quiet run of a busy host (1,000 runs at once on Azurite)
    /// sent a hundred queries a second to the storage the runs themselves waited on, and the runs stalled.
    /// </summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(10);

    /// <summary>Runs whose last check is remembered, at most; past it the memory starts again (a few extra checks).</summary>
    private const int MaxRemembered = 10_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> lastChecked = new(StringComparer.Ordinal);

    /// <summary>
    /// True when <paramref name="run"/> is unfinished, has been quiet for <see cref="StaleAfter"/> and was not checked in
    /// the last <see cref="CheckEvery"/> (by this process); answering true counts as its check.
    /// </summary>
    public bool IsDueForCheck(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var now = clock.GetUtcNow();
        if (run.Status is not (RunStatus.Queued or RunStatus.Running) || now - run.UpdatedAt < StaleAfter
            || lastChecked.TryGetValue(run.RunId, out var checkedAt) && now - checkedAt < CheckEvery)
        {
            return false;
        }

        if (lastChecked.Count >= MaxRemembered)
        {
            lastChecked.Clear();
        }

        lastChecked[run.RunId] = now;
        return true;
    }

    /// <summary>
    /// Ends <paramref name="run"/> when its orchestration has ended (or never existed past <see cref="ScheduleGrace"/>);
    /// returns the orchestration's state when it may still record the run's end itself (then nothing is changed),
    /// or null when the run was ended here or had already ended.
    /// </summary>
    public async Task<OrchestrationMetadata?> ReconcileAsync(DurableTaskClient client, RunSummary run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(run);
        if (run.Status is not (RunStatus.Queued or RunStatus.Running))
        {
            return null;
        }

        // Inputs and outputs only for an orchestration that completed, whose output is the run's result: a running
        // large run's input and history need not cross the wire to learn that it still runs.
        var instance = await client.GetInstanceAsync(run.RunId, getInputsAndOutputs: false, cancellationToken);
        if (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
        {
            instance = await client.GetInstanceAsync(run.RunId, getInputsAndOutputs: true, cancellationToken) ?? instance;
        }

        RunEventSpec end;
        switch (instance?.RuntimeStatus)
        {
            case null when clock.GetUtcNow() - run.CreatedAt < ScheduleGrace:
                return Unscheduled(run);
            case null:
                end = Failed("The run's orchestration does not exist: it was never scheduled, or it was purged.", "orchestration-missing");
                break;
            case OrchestrationRuntimeStatus.Completed when instance.ReadOutputAs<WorkflowRunResult>() is { } result:
                end = new RunEventSpec(TraceEventType.WorkflowStatus, clock.GetUtcNow(), result.Status, NodeId: result.Failure?.NodeId,
                    Message: result.Failure?.Message ?? $"The run {result.Status.ToString().ToLowerInvariant()}; its orchestration ended without recording it.",
                    ErrorKind: result.Status == RunStatus.Failed ? "node-failed" : result.Status == RunStatus.Cancelled ? "cancelled" : null);
                break;
            case OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed:
                end = Failed($"The run's orchestration failed: {instance.FailureDetails?.ErrorMessage ?? "no reason recorded"}", "orchestration-failed");
                break;
            case OrchestrationRuntimeStatus.Terminated:
                end = Failed("The run's orchestration was terminated.", "orchestration-terminated");
                break;
            default:
                return instance;
        }

        await publisher.PublishAsync([RecordRunEventsActivity.ToTraceEvent(run.RunId, end)], cancellationToken);
        FunctionsLog.RunReconciled(logger, run.RunId, run.Status, instance?.RuntimeStatus.ToString() ?? "missing", end.Status!.Value);
        return null;

        RunEventSpec Failed(string message, string kind)
            => new(TraceEventType.WorkflowStatus, clock.GetUtcNow(), RunStatus.Failed, Message: message, ErrorKind: kind);
    }

    /// <summary>
    /// Reconciles up to <paramref name="limit"/> unfinished runs that have been quiet for <see cref="StaleAfter"/>,
    /// oldest first; returns how many were ended.
    /// </summary>
    public async Task<int> SweepAsync(DurableTaskClient client, int limit, CancellationToken cancellationToken = default)
    {
        var ended = 0;
        foreach (var run in await runs.ListUnfinishedAsync(clock.GetUtcNow() - StaleAfter, limit, cancellationToken))
        {
            if (await ReconcileAsync(client, run, cancellationToken) is null)
            {
                ended++;
            }
        }

        return ended;
    }

    // A queued run within its grace has no orchestration yet; report it as pending so callers leave it alone.
    private static OrchestrationMetadata Unscheduled(RunSummary run)
        => new(OrchestratorNames.WorkflowRun, run.RunId) { RuntimeStatus = OrchestrationRuntimeStatus.Pending };
}
