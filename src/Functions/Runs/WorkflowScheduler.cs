using System.Globalization;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ShipSec.Shared.Runs;

namespace ShipSec.Functions.Runs;

/// <summary>
/// Starts the runs of due schedule fires: the one scheduler both hosts call (the Functions app from its schedule ticker
/// orchestration's activity, the local host from a hosted service). Each fire is claimed through
/// <see cref="IScheduleStore.FireDueAsync"/>, so any number of schedulers against one database start it once; the run id
/// is derived from the schedule and the fire time, so a fire whose run started just before a crash (the claim rolled back)
/// is recognised rather than started again. A schedule that missed fires (the hosts were down) starts one run, for the
/// earliest missed fire, and moves on to the first fire after now.
/// </summary>
public sealed class WorkflowScheduler(IScheduleStore schedules, IRunStore runs, RunLauncher launcher, TimeProvider clock, ILogger<WorkflowScheduler> logger)
{
    /// <summary>Most fires one pass starts; the rest are due at the next pass.</summary>
    public const int FiresPerPass = 50;

    /// <summary>Starts the runs of every fire due now; returns how many fires were taken.</summary>
    public async Task<int> FireDueAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = clock.GetUtcNow();
        return await schedules.FireDueAsync(now, FiresPerPass, async (due, ct) =>
        {
            var (cron, problems) = ScheduleCron.Parse(due.Cron, due.TimeZone);
            var next = cron?.NextAfter(now);
            if (cron is null)
            {
                // Only if the host's time zone database lost the zone since the schedule was made: it stops firing.
                FunctionsLog.ScheduleFireRefused(logger, due.ScheduleId, due.FireAt, string.Join(" ", problems.Select(p => p.Message)));
                return new FireOutcome(null, null);
            }

            var runId = RunIdOf(due);
            if (await runs.GetAsync(runId, ct) is not null)
            {
                return new FireOutcome(runId, next);
            }

            var start = await launcher.StartAsync(
                client, due.WorkflowId, runId, RunTrigger.Schedule(due.ScheduleId), due.Inputs, $"schedule {due.ScheduleId}", null, ct);
            if (start.Run is null)
            {
                // The workflow was deleted, or its latest version no longer takes these inputs: this fire starts nothing.
                FunctionsLog.ScheduleFireRefused(logger, due.ScheduleId, due.FireAt, start.WorkflowNotFound
                    ? $"workflow '{due.WorkflowId}' does not exist"
                    : string.Join(" ", start.Problems.Select(p => $"{p.Field}: {p.Message}")));
                return new FireOutcome(null, next);
            }

            FunctionsLog.ScheduleFired(logger, due.ScheduleId, due.FireAt, runId, due.WorkflowId);
            return new FireOutcome(runId, next);
        }, cancellationToken);
    }

    /// <summary>When the next fire of any schedule is due; null when none is pending.</summary>
    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) => schedules.NextDueAsync(cancellationToken);

    /// <summary>The run id of one fire: the same for every scheduler that might start it.</summary>
    public static string RunIdOf(DueFire due)
    {
        ArgumentNullException.ThrowIfNull(due);
        return $"{due.ScheduleId}-{due.FireAt.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
    }
}
