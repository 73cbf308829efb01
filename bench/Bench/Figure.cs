namespace ShipSec.Bench;

/// <summary>
/// One line of the results table: our figure beside its ceiling, both medians of repetitions interleaved in
/// the same run. <see cref="Ratio"/> reads the way the goal is stated (share of the ceiling, or times slower).
/// </summary>
internal sealed record Figure(string Name, string Unit, double? Ours, double? Ceiling, string Ratio, string? Note = null)
{
    /// <summary>A figure that is a share of its ceiling (higher is better): ours / ceiling as a percentage.</summary>
    public static Figure Share(string name, string unit, double ours, double ceiling)
        => new(name, unit, ours, ceiling, ceiling > 0 ? $"{100 * ours / ceiling:0}%" : "-");

    /// <summary>A cost beside its floor (lower is better): ours / floor as a multiple.</summary>
    public static Figure Cost(string name, string unit, double ours, double floor)
        => new(name, unit, ours, floor, floor > 0 ? $"{ours / floor:0.0}x" : "-");

    /// <summary>A latency beside the anchor's way of getting the same thing (lower is better): how many times sooner ours is.</summary>
    public static Figure Sooner(string name, double ours, double anchor)
        => new(name, "ms", ours, anchor, ours > 0 ? $"{anchor / ours:0}x sooner" : "-");

    /// <summary>A figure with nothing to compare with in this build.</summary>
    public static Figure Unavailable(string name, string note) => new(name, "", null, null, "-", note);
}
