using System.ComponentModel.DataAnnotations;

namespace ShipSec.LocalHost.Scheduling;

/// <summary>The local scheduler loop (section <c>Schedules</c>).</summary>
public sealed class ScheduleOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Schedules";

    /// <summary>
    /// Longest time between two passes, in milliseconds (default 1000). The loop also wakes when the next fire is due and
    /// when a schedule is created, so this bounds how late a fire is only when a wake is missed, and how soon a schedule
    /// created by another host is seen. Seconds-resolution expressions need it at 1000 or less.
    /// </summary>
    [Range(50, 600_000)]
    public int PollIntervalMilliseconds { get; set; } = 1000;

    /// <summary>False turns the local scheduler off (another host fires the schedules of this database).</summary>
    public bool Enabled { get; set; } = true;
}
