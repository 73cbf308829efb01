using System.Text.RegularExpressions;

namespace ShipSec.Shared.Trace;

/// <summary>
/// Terminal escape sequences in process output: a console, a search index and a text export want the words, a
/// terminal wants the sequences. Removes CSI sequences (colours, cursor moves: <c>ESC [ … final</c>), OSC sequences
/// (titles, links: <c>ESC ] … BEL</c> or <c>ESC ] … ESC \</c>) and the other two-character escapes.
/// </summary>
public static partial class AnsiText
{
    /// <summary>The text without escape sequences; the very string when it has none.</summary>
    public static string Strip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains('\u001b', StringComparison.Ordinal) ? Sequences().Replace(text, string.Empty) : text;
    }

    [GeneratedRegex(@"\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_]|[ -/][0-~]?)?", RegexOptions.CultureInvariant)]
    private static partial Regex Sequences();
}
