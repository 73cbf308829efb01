using System.Text;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// PostgreSQL rejects U+0000 in text and jsonb values, and a single such character in a log line must
/// not fail a whole batch of trace events, so it is removed before text reaches the database.
/// </summary>
internal static class PostgresText
{
    private const string EscapedNul = "\\u0000";

    /// <summary>The text without U+0000 characters.</summary>
    public static string? Strip(string? text)
        => text is null || !text.Contains('\0', StringComparison.Ordinal) ? text : text.Replace("\0", "", StringComparison.Ordinal);

    /// <summary>JSON text (as written by System.Text.Json) without <c>\u0000</c> escapes inside its strings.</summary>
    public static string StripJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!json.Contains(EscapedNul, StringComparison.OrdinalIgnoreCase) && !json.Contains('\0', StringComparison.Ordinal))
        {
            return json;
        }

        // Backslashes only occur inside strings, always as the start of a two-character escape, so
        // walking escape by escape tells "\u0000" apart from an escaped backslash followed by "u0000".
        var result = new StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (c == '\0')
            {
                continue;
            }

            if (c != '\\' || i + 1 >= json.Length)
            {
                result.Append(c);
                continue;
            }

            if (string.Compare(json, i, EscapedNul, 0, EscapedNul.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                i += EscapedNul.Length - 1;
                continue;
            }

            result.Append(c).Append(json[i + 1]);
            i++;
        }

        return result.ToString();
    }
}
