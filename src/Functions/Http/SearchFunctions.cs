using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Http;

/// <summary>Search across runs: log lines, failure messages and finding titles of every run.</summary>
public sealed class SearchFunctions(IRunSearch search)
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;
    private const int MaxQueryLength = 500;

    /// <summary>
    /// <c>GET /api/search?q=&amp;workflowId=&amp;level=&amp;nodeId=&amp;from=&amp;to=&amp;limit=&amp;cursor=</c>: matching events, newest
    /// first, each with a snippet marking the matched words.
    /// </summary>
    [Function(nameof(SearchRuns))]
    public async Task<IActionResult> SearchRuns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "search")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = request.Query["q"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(text))
        {
            return Problems.InvalidParameter("?q", "'q' must name the words to search for.");
        }

        if (text.Length > MaxQueryLength)
        {
            return Problems.InvalidParameter("?q", $"'q' must be at most {MaxQueryLength} characters.");
        }

        TraceEventLevel? level = null;
        if (request.Query["level"].FirstOrDefault() is { Length: > 0 } levelText)
        {
            if (!WireName.TryParse<TraceEventLevel>(levelText, out var parsed))
            {
                return Problems.InvalidParameter("?level", "'level' must be one of debug, info, warn, error.");
            }

            level = parsed;
        }

        RunSearchCursor? after = null;
        if (request.Query["cursor"].FirstOrDefault() is { Length: > 0 } cursorText && !RunSearchCursor.TryParse(cursorText, out after))
        {
            return Problems.InvalidParameter("?cursor", "'cursor' must be a nextCursor from an earlier search.");
        }

        if (!QueryParameters.TryReadTime(request, "from", out var from, out var problem)
            || !QueryParameters.TryReadTime(request, "to", out var to, out problem)
            || !QueryParameters.TryReadLong(request, "limit", DefaultLimit, 1, MaxLimit, out var limit, out problem))
        {
            return problem!;
        }

        var page = await search.SearchAsync(new RunSearchQuery
        {
            Text = text,
            WorkflowId = NullIfEmpty(request.Query["workflowId"].FirstOrDefault()),
            Level = level,
            NodeId = NullIfEmpty(request.Query["nodeId"].FirstOrDefault()),
            From = from,
            To = to,
            Limit = (int)limit,
            After = after,
        }, cancellationToken);
        return ApiResponses.Ok(page);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
