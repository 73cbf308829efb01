using System.Globalization;
using System.Text;

namespace ShipSec.Shared.Trace;

/// <summary>
/// Makes text safe to store and show: lone UTF-16 surrogates (which no UTF-8 store accepts) become U+FFFD,
/// U+0000 is removed, and text longer than the limit is cut with a marker saying how much was dropped.
/// </summary>
public static class TraceText
{
    /// <summary>The marker appended to truncated text; the count of dropped characters follows it.</summary>
    public const string TruncationMarker = "… [truncated ";

    /// <summary>The sanitised, possibly truncated text.</summary>
    public static string Sanitize(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = IsClean(text) ? text : Repair(text);
        if (clean.Length <= maxLength)
        {
            return clean;
        }

        var keep = maxLength;
        if (char.IsHighSurrogate(clean[keep - 1]))
        {
            keep--;
        }

        return string.Concat(clean.AsSpan(0, keep), TruncationMarker, (clean.Length - keep).ToString(CultureInfo.InvariantCulture), " characters]");
    }

    private static bool IsClean(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return false;
            }

            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    private static string Repair(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(c).Append(text[++i]);
            }
            else
            {
                result.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return result.ToString();
    }
}
