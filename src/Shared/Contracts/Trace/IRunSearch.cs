using System.Globalization;
using System.Text;

namespace ShipSec.Shared.Trace;

/// <summary>Searches the log lines, failure messages and finding titles of every run's trace.</summary>
public interface IRunSearch
{
    /// <summary>Events whose text matches <see cref="RunSearchQuery.Text"/>, newest first, a page at a time.</summary>
    Task<RunSearchPage> SearchAsync(RunSearchQuery query, CancellationToken cancellationToken = default);
}

/// <summary>What to search for, and where.</summary>
public sealed record RunSearchQuery
{
    /// <summary>Words to find (web-search syntax: <c>"a phrase"</c>, <c>or</c>, <c>-word</c>); every word must match.</summary>
    public required string Text { get; init; }

    /// <summary>Only runs of this workflow.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Only events of this level.</summary>
    public TraceEventLevel? Level { get; init; }

    /// <summary>Only events of this node.</summary>
    public string? NodeId { get; init; }

    /// <summary>Only events stamped at or after this moment.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events stamped at or before this moment.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>At most this many results.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Continue after this result (the previous page's <see cref="RunSearchPage.NextCursor"/>).</summary>
    public RunSearchCursor? After { get; init; }
}

/// <summary>One matching event.</summary>
/// <param name="RunId">Its run.</param>
/// <param name="WorkflowId">The run's workflow.</param>
/// <param name="NodeId">The node that emitted it.</param>
/// <param name="Sequence">Its place in the run's trace (to open the run scrubbed there).</param>
/// <param name="Timestamp">When it was emitted.</param>
/// <param name="Snippet">The text around the match, each matched word between <see cref="RunSearchResult.MatchStart"/> and <see cref="RunSearchResult.MatchEnd"/>.</param>
public sealed record RunSearchResult(string RunId, string WorkflowId, string? NodeId, long Sequence, DateTimeOffset Timestamp, string Snippet)
{
    /// <summary>Opens a highlighted match in a snippet (plain-text markers, so a snippet is never markup).</summary>
    public const string MatchStart = "«";

    /// <summary>Closes a highlighted match in a snippet.</summary>
    public const string MatchEnd = "»";
}

/// <summary>A page of results: the body of <c>GET /api/search</c>.</summary>
/// <param name="Results">Newest first.</param>
/// <param name="NextCursor">Pass as <c>?cursor=</c> for the next page; null on the last.</param>
public sealed record RunSearchPage(IReadOnlyList<RunSearchResult> Results, string? NextCursor);

/// <summary>
/// Where a page of results ended: the last result's timestamp, run and sequence, the order results come in. Its text
/// form is opaque to callers (<c>microseconds.sequence.runId</c>, base64url).
/// </summary>
/// <param name="Timestamp">The last result's timestamp.</param>
/// <param name="RunId">Its run.</param>
/// <param name="Sequence">Its sequence.</param>
public sealed record RunSearchCursor(DateTimeOffset Timestamp, string RunId, long Sequence)
{
    /// <summary>The cursor of <paramref name="result"/>.</summary>
    public static RunSearchCursor Of(RunSearchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.Timestamp, result.RunId, result.Sequence);
    }

    /// <summary>The cursor as a caller passes it back.</summary>
    public override string ToString()
    {
        var micros = (Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        var text = string.Create(CultureInfo.InvariantCulture, $"{micros}.{Sequence}.{RunId}");
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Reads a cursor written by <see cref="ToString"/>; false for anything else.</summary>
    public static bool TryParse(string text, out RunSearchCursor? cursor)
    {
        ArgumentNullException.ThrowIfNull(text);
        cursor = null;
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('.', 3);
            if (parts.Length != 3
                || !long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var micros)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                || parts[2].Length == 0)
            {
                return false;
            }

            cursor = new RunSearchCursor(DateTimeOffset.UnixEpoch.AddTicks(micros * 10), parts[2], sequence);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
