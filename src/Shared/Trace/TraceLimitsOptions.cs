using System.ComponentModel.DataAnnotations;

namespace ShipSec.Shared.Trace;

/// <summary>
/// Limits on what one node may write to the trace (section <c>Trace:Limits</c>): a runaway tool must not
/// swamp the store or the people watching, and whatever is cut is said so in the trace itself.
/// </summary>
public sealed class TraceLimitsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Trace:Limits";

    /// <summary>Longest message kept, in characters; longer ones are truncated with a marker.</summary>
    [Range(256, 1_048_576)]
    public int MaxMessageLength { get; set; } = 16 * 1024;

    /// <summary>Log and progress events one node attempt may emit per second; beyond that they are throttled with a warning event.</summary>
    [Range(1, 1_000_000)]
    public int MaxEventsPerSecondPerNode { get; set; } = 2_000;
}
