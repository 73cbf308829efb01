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

    /// <summary>
    /// Events one node attempt holds in memory while its transport is slow or the trace store is down; beyond
    /// that they are spilled to disk (see <see cref="MaxSpillBytes"/>).
    /// </summary>
    [Range(16, 1_000_000)]
    public int MaxBufferedEvents { get; set; } = 4_096;

    /// <summary>
    /// Bytes one node attempt may spill to disk while its events cannot be delivered (JSON, about 300 bytes an
    /// event: the 64 MB default holds a minute of the busiest node's output at the rate limit). Beyond that
    /// events are dropped, and one warning event says how many.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MaxSpillBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Where spill files go (one per node attempt, deleted when it ends); empty: the system's temporary folder.</summary>
    public string SpillDirectory { get; set; } = "";

    /// <summary>
    /// How long a node keeps trying to hand over a batch its transport refuses (a transport outage, say Event
    /// Hubs unreachable) before its activity gives up; the orchestrator then records the attempt as failed.
    /// </summary>
    [Range(1, 86_400)]
    public int MaxDeliveryOutageSeconds { get; set; } = 600;
}
