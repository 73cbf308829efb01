using System.Net.Http.Json;
using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;

namespace ShipSec.TestSupport;

/// <summary>Reads a run's trace through the API of any host the tests run (in-process or a separate process).</summary>
public static class RunTraces
{
    /// <summary>The whole trace, paging by cursor.</summary>
    public static async Task<IReadOnlyList<TraceEvent>> ReadAllAsync(HttpClient http, string runId)
    {
        ArgumentNullException.ThrowIfNull(http);
        var events = new List<TraceEvent>();
        long after = 0;
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{runId}/trace?after={after}&limit=1000", UriKind.Relative), ShipSecJson.Options);
            events.AddRange(page.GetProperty("events").Deserialize<List<TraceEvent>>(ShipSecJson.Options)!);
            after = page.GetProperty("nextCursor").GetInt64();
            if (!page.GetProperty("hasMore").GetBoolean())
            {
                return events;
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the run's trace, or fails the test at the deadline.</summary>
    public static async Task<IReadOnlyList<TraceEvent>> WaitForAsync(
        HttpClient http, string runId, Func<IReadOnlyList<TraceEvent>, bool> condition, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var timeout = new CancellationTokenSource(deadline);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (true)
        {
            var trace = await ReadAllAsync(http, runId);
            if (condition(trace))
            {
                return trace;
            }

            try
            {
                await poll.WaitForNextTickAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The trace of run {runId} never met the condition ({trace.Count} events).");
            }
        }
    }
}
