using System.Text.Json;
using Microsoft.Extensions.Logging;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Runs;

namespace ShipSec.Functions.Runs;

/// <summary>What <c>POST /api/workflows/{workflowId}/schedules</c> asks for.</summary>
/// <param name="Cron">The cron expression (see <see cref="ScheduleCron"/>).</param>
/// <param name="TimeZone">The time zone it is read in; UTC when absent.</param>
/// <param name="Inputs">The input values each run starts with, checked now as a start checks them.</param>
public sealed record ScheduleRequest(string? Cron, string? TimeZone, IReadOnlyDictionary<string, JsonElement>? Inputs);

/// <summary>How a schedule request ended: the schedule, a missing workflow, or problems naming the field (nothing stored).</summary>
public sealed record ScheduleCreation(WorkflowSchedule? Schedule, IReadOnlyList<WorkflowProblem> Problems)
{
    /// <summary>No such workflow.</summary>
    public bool WorkflowNotFound => Schedule is null && Problems.Count == 0;
}

/// <summary>Creates, lists and deletes workflow schedules; <see cref="WorkflowScheduler"/> fires them.</summary>
public sealed class WorkflowSchedules(IScheduleStore schedules, IWorkflowStore workflows, RunLauncher launcher, TimeProvider clock, ILogger<WorkflowSchedules> logger)
{
    /// <summary>How many fire times after the next one a listing shows.</summary>
    public const int UpcomingShown = 5;

    /// <summary>
    /// Stores a schedule of the latest version's inputs: the expression, the zone and the inputs (as a start checks them,
    /// <c>host</c> inputs against the scope) must all be valid, or nothing is stored. Secret input values are kept for the
    /// runs and shown masked.
    /// </summary>
    public async Task<ScheduleCreation> CreateAsync(string workflowId, ScheduleRequest request, string? createdBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await workflows.GetAsync(workflowId, cancellationToken) is not { } stored)
        {
            return new ScheduleCreation(null, []);
        }

        var (cron, problems) = ScheduleCron.Parse(request.Cron, request.TimeZone);
        var all = problems.ToList();
        var check = await launcher.CheckInputsAsync(stored.Definition, request.Inputs, cancellationToken);
        all.AddRange(check.Problems);
        var now = clock.GetUtcNow();
        var next = cron?.NextAfter(now);
        if (cron is not null && next is null)
        {
            all.Add(new WorkflowProblem("/cron", WorkflowProblemCodes.InvalidValue, $"'{request.Cron}' never fires after now."));
        }

        if (all.Count > 0)
        {
            return new ScheduleCreation(null, all);
        }

        // The values as given (defaults are applied at each fire, from the version current then).
        var inputs = request.Inputs is { Count: > 0 } given ? given : null;
        var schedule = new NewSchedule(
            $"sch-{Guid.NewGuid():N}",
            workflowId,
            request.Cron!.Trim(),
            string.IsNullOrWhiteSpace(request.TimeZone) ? ScheduleCron.DefaultTimeZone : request.TimeZone,
            inputs,
            inputs is null ? null : WorkflowInputValues.Mask(stored.Definition, inputs),
            now,
            createdBy,
            next!.Value);
        await schedules.CreateAsync(schedule, cancellationToken);
        FunctionsLog.ScheduleCreated(logger, schedule.ScheduleId, workflowId, schedule.Cron, schedule.TimeZone);
        return new ScheduleCreation(Describe(new WorkflowSchedule
        {
            ScheduleId = schedule.ScheduleId,
            WorkflowId = workflowId,
            Cron = schedule.Cron,
            TimeZone = schedule.TimeZone,
            Inputs = schedule.MaskedInputs,
            CreatedAt = now,
            CreatedBy = createdBy,
            NextFireAt = next,
        }), []);
    }

    /// <summary>A workflow's schedules with their next fire times; null when there is no such workflow.</summary>
    public async Task<IReadOnlyList<WorkflowSchedule>?> ListAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        if (await workflows.GetAsync(workflowId, cancellationToken) is null)
        {
            return null;
        }

        return [.. (await schedules.ListAsync(workflowId, cancellationToken)).Select(Describe)];
    }

    /// <summary>Deletes a schedule; false when the workflow has no such schedule. No fire of it starts afterwards.</summary>
    public async Task<bool> DeleteAsync(string workflowId, string scheduleId, CancellationToken cancellationToken = default)
    {
        var deleted = await schedules.DeleteAsync(workflowId, scheduleId, cancellationToken);
        if (deleted)
        {
            FunctionsLog.ScheduleDeleted(logger, scheduleId, workflowId);
        }

        return deleted;
    }

    private WorkflowSchedule Describe(WorkflowSchedule schedule)
    {
        var (cron, _) = ScheduleCron.Parse(schedule.Cron, schedule.TimeZone);
        if (cron is null || schedule.NextFireAt is not { } next)
        {
            return schedule;
        }

        // After the stored next fire, or after now when that is overdue (a missed fire starts once, then these follow).
        var from = next > clock.GetUtcNow() ? next : clock.GetUtcNow();
        return schedule with { UpcomingFireTimes = cron.NextAfter(from, UpcomingShown) };
    }
}
