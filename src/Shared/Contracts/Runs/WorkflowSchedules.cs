using System.Text.Json;

namespace ShipSec.Shared.Runs;

/// <summary>A workflow schedule as the API answers it (<c>GET /api/workflows/{workflowId}/schedules</c>).</summary>
public sealed record WorkflowSchedule
{
    /// <summary>The schedule's id: what its runs name in <c>trigger.scheduleId</c>.</summary>
    public required string ScheduleId { get; init; }
    /// <summary>The workflow it starts (its latest version at each fire).</summary>
    public required string WorkflowId { get; init; }
    /// <summary>The cron expression: five fields, or six with seconds first.</summary>
    public required string Cron { get; init; }
    /// <summary>The IANA (or Windows) time zone the expression is read in.</summary>
    public required string TimeZone { get; init; }
    /// <summary>The input values each run starts with, secret ones masked.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Inputs { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Who created it (a key's or principal's name).</summary>
    public string? CreatedBy { get; init; }
    /// <summary>The next fire the scheduler will start (in the past while it is due); null when there is none.</summary>
    public DateTimeOffset? NextFireAt { get; init; }
    /// <summary>The fires after <see cref="NextFireAt"/>, a few, so a person can check the expression means what they think.</summary>
    public IReadOnlyList<DateTimeOffset> UpcomingFireTimes { get; init; } = [];
    /// <summary>The last fire that started a run.</summary>
    public DateTimeOffset? LastFireAt { get; init; }
    /// <summary>The run the last fire started.</summary>
    public string? LastRunId { get; init; }
}

/// <summary>A schedule about to be stored.</summary>
/// <param name="ScheduleId">Its new id.</param>
/// <param name="WorkflowId">The workflow it starts.</param>
/// <param name="Cron">The cron expression as given.</param>
/// <param name="TimeZone">The time zone id as given.</param>
/// <param name="Inputs">The input values runs start with (secrets included); null when none.</param>
/// <param name="MaskedInputs">The same with secret values masked: what the API shows.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="NextFireAt">Its first fire.</param>
public sealed record NewSchedule(
    string ScheduleId,
    string WorkflowId,
    string Cron,
    string TimeZone,
    IReadOnlyDictionary<string, JsonElement>? Inputs,
    IReadOnlyDictionary<string, JsonElement>? MaskedInputs,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    DateTimeOffset NextFireAt);

/// <summary>One due fire of a schedule, claimed by one scheduler.</summary>
/// <param name="ScheduleId">The schedule.</param>
/// <param name="WorkflowId">The workflow it starts.</param>
/// <param name="Cron">Its cron expression.</param>
/// <param name="TimeZone">Its time zone.</param>
/// <param name="FireAt">The fire being started (the earliest missed one after downtime).</param>
/// <param name="Inputs">The input values, secrets included.</param>
public sealed record DueFire(
    string ScheduleId, string WorkflowId, string Cron, string TimeZone, DateTimeOffset FireAt, IReadOnlyDictionary<string, JsonElement>? Inputs);

/// <summary>What starting a <see cref="DueFire"/> came to: the run it started (if any) and the schedule's next fire.</summary>
/// <param name="RunId">The run started for the fire; null when none could be (the workflow is gone, its inputs no longer fit).</param>
/// <param name="NextFireAt">The first occurrence after now; null when the expression has none.</param>
public sealed record FireOutcome(string? RunId, DateTimeOffset? NextFireAt);

/// <summary>
/// Schedules and their claims. <see cref="FireDueAsync"/> is how every scheduler takes a fire: it locks one due schedule
/// at a time so that no other scheduler (another host, another instance) sees it, lets the caller start its run, and moves
/// the schedule on in the same transaction.
/// </summary>
public interface IScheduleStore
{
    /// <summary>Stores a new schedule.</summary>
    Task CreateAsync(NewSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>A workflow's schedules, oldest first (without upcoming fire times, which the caller computes).</summary>
    Task<IReadOnlyList<WorkflowSchedule>> ListAsync(string workflowId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a schedule of a workflow; false when there was none. A fire being started meanwhile finishes first.</summary>
    Task<bool> DeleteAsync(string workflowId, string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes due schedules (next fire at or before <paramref name="now"/>) one at a time, each locked so that no other caller
    /// takes it, calls <paramref name="start"/> for its fire and records the outcome in the same transaction. A schedule
    /// locked by another caller is skipped. Stops after <paramref name="limit"/> fires; returns how many were taken.
    /// An exception from <paramref name="start"/> leaves that fire due (the transaction rolls back) and that schedule alone
    /// out of the rest of the pass: the other due fires are still taken, then the first such exception is thrown.
    /// </summary>
    Task<int> FireDueAsync(DateTimeOffset now, int limit, Func<DueFire, CancellationToken, Task<FireOutcome>> start, CancellationToken cancellationToken = default);

    /// <summary>The earliest next fire of any schedule; null when none is pending.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default);
}
