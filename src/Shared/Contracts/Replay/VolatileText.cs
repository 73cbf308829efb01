using System.Text.RegularExpressions;

namespace ShipSec.Shared.Replay;

/// <summary>
/// Masks the tokens of a log line that change from run to run without the behaviour changing: timestamps,
/// ids (GUIDs), hex digests and numbers (durations, byte counts, ports in wording). Two runs' lines are compared
/// masked, so "completed in 15 ms" and "completed in 3 ms" read the same.
/// </summary>
public static partial class VolatileText
{
    /// <summary>What a masked token reads as.</summary>
    public const string Mask = "#";

    /// <summary><paramref name="text"/> with its volatile tokens replaced by <see cref="Mask"/>; null stays null.</summary>
    public static string? Masked(string? text)
        => text is null ? null : Numbers().Replace(HexRuns().Replace(Guids().Replace(Timestamps().Replace(text, Mask), Mask), Mask), Mask);

    // ISO 8601 date-times (with optional fraction and zone), and bare dates and times of day.
    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?|\b\d{2}:\d{2}:\d{2}(\.\d+)?\b", RegexOptions.CultureInvariant)]
    private static partial Regex Timestamps();

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Guids();

    // Digests and ids: eight or more hex characters holding at least one digit (so plain words stay).
    [GeneratedRegex(@"\b(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex HexRuns();

    [GeneratedRegex(@"\d+(\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex Numbers();
}
