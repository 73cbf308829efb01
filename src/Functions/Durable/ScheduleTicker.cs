using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using ShipSec.Functions.Runs;

namespace ShipSec.Functions.Durable;

/// <summary>
/// The Functions app's scheduler loop: one eternal orchestration (instance <see cref="InstanceId"/>) that calls
/// <see cref="WorkflowScheduler"/> from an activity, then sleeps on a durable timer until the next fire is due (at most
/// <see cref="MaxIdle"/>) or until a new schedule wakes it, and continues as new.
/// </summary>
/// <remarks>
/// Chosen over a timer-triggered function: the Timer extension's host side (Microsoft.Azure.WebJobs.Extensions 5.x) is not
/// in the package mirror, so the app could not be built offline with it; a durable timer also wakes at the next fire time
/// the schedules compute, rather than polling on a fixed NCRONTAB, and costs nothing while nothing is due. The claim in
/// PostgreSQL, not the orchestration, is what keeps a fire from starting twice, so a second ticker (two task hubs on one
/// database, a local host beside the app) is harmless.
/// </remarks>
public sealed class ScheduleTicker(WorkflowScheduler scheduler) : IScheduleWake
{
    /// <summary>The one ticker's instance id.</summary>
    public const string InstanceId = "shipsec-schedule-ticker";

    /// <summary>The orchestrator's name.</summary>
    public const string OrchestratorName = "ScheduleTicker";

    /// <summary>The activity that starts due fires.</summary>
    public const string FireDueActivityName = "FireDueSchedules";

    /// <summary>The external event a new schedule raises.</summary>
    public const string WakeEvent = "SchedulesChanged";

    /// <summary>Longest sleep: a backstop for a wake that was lost, and how soon a schedule created elsewhere is seen.</summary>
    public static readonly TimeSpan MaxIdle = TimeSpan.FromMinutes(1);

    // Azure Storage queue delays are whole seconds; a shorter timer fires early and would spin.
    private static readonly TimeSpan MinSleep = TimeSpan.FromSeconds(1);

    /// <summary>The eternal loop.</summary>
    [Function(OrchestratorName)]
    public static async Task Tick([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var nextDue = await context.CallActivityAsync<DateTimeOffset?>(FireDueActivityName);
        var now = context.CurrentUtcDateTime;
        var wake = nextDue is { } due && due.UtcDateTime < now + MaxIdle ? due.UtcDateTime : now + MaxIdle;
        if (wake < now + MinSleep)
        {
            wake = now + MinSleep;
        }

        using var cancelTimer = new CancellationTokenSource();
        var timer = context.CreateTimer(wake, cancelTimer.Token);
        var woken = context.WaitForExternalEvent<object?>(WakeEvent);
        if (await Task.WhenAny(timer, woken) != timer)
        {
            // Cancel synchronously: CancelAsync would resume this orchestrator outside its scheduler (see ARCHITECTURE).
            cancelTimer.Cancel();
        }

        // Events raised meanwhile (a wake) are carried over to the next generation.
        context.ContinueAsNew(InstanceId, preserveUnprocessedEvents: true);
    }

    /// <summary>Starts the runs of due fires; answers when the next one is due.</summary>
    [Function(FireDueActivityName)]
    public async Task<DateTimeOffset?> FireDue(
        [ActivityTrigger] object? input, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        await scheduler.FireDueAsync(client, cancellationToken);
        return await scheduler.NextDueAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task WakeAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var ticker = await client.GetInstanceAsync(InstanceId, cancellationToken);
        if (ticker is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending })
        {
            await client.RaiseEventAsync(InstanceId, WakeEvent, null, cancellationToken);
            return;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(OrchestratorName, null, new StartOrchestrationOptions(InstanceId), cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // Another request started it between the read and this start: one ticker runs, which is the point.
        }
    }
}
