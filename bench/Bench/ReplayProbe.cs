using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ShipSec.TestSupport;

namespace ShipSec.Bench;

/// <summary>
/// Times the replay endpoints (state-at and diff) and checks they are there: an unknown run's <c>/state</c>
/// answers the <c>run-not-found</c> problem when the route exists, and a bare 404 when it does not.
/// </summary>
internal sealed class ReplayProbe(IsolatedLocalHost host)
{
    private readonly List<string> _refused = [];

    /// <summary>The requests timed so far that did not answer 200 (path and status).</summary>
    public IReadOnlyList<string> Refused => _refused;

    public async Task<bool> IsAvailableAsync()
    {
        using var response = await host.Http.GetAsync(new Uri("api/workflows/runs/bench-no-such-run/state", UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.NotFound || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return problem.TryGetProperty("type", out var type) && type.GetString()?.EndsWith("run-not-found", StringComparison.Ordinal) == true;
    }

    /// <summary>
    /// Milliseconds to answer GET <paramref name="path"/> of a run (null when it does not answer 200), beside
    /// reading that run's whole trace page by page: what a client without the endpoint would have to do.
    /// </summary>
    public async Task<double?> TimeAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await host.Http.GetAsync(new Uri(path, UriKind.Relative));
        _ = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            _refused.Add($"{path}: {(int)response.StatusCode}");
            return null;
        }

        return clock.Elapsed.TotalMilliseconds;
    }
}
