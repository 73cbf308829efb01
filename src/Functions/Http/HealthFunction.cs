using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ShipSec.Shared.Runs;

namespace ShipSec.Functions.Http;

/// <summary>
/// Readiness for scripts and load balancers: 200 when every dependency (PostgreSQL, storage) answers within
/// <see cref="ProbeTimeout"/>, otherwise 503 problem+json with <c>Retry-After</c> naming the ones that did not.
/// Both answers list each dependency's state under <c>dependencies</c>, and the trace consumer's state
/// (<c>degraded</c> while its start keeps failing and is being retried).
/// </summary>
public sealed class HealthFunction(TimeProvider clock, ShipSec.Shared.Trace.TraceConsumerStatus consumer, IEnumerable<IDependencyProbe> probes)
{
    /// <summary>How long one dependency may take to answer before it counts as down.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly IDependencyProbe[] probes = [.. probes];

    /// <summary><c>GET /api/health</c>.</summary>
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var states = await Task.WhenAll(probes.Select(probe => CheckAsync(probe, cancellationToken)));
        var dependencies = states.ToDictionary(s => s.Name, s => (object)new { status = s.Error is null ? "up" : "down", error = s.Error }, StringComparer.Ordinal);
        var down = states.Where(s => s.Error is not null).ToDictionary(s => s.Name, s => s.Error!, StringComparer.Ordinal);
        return down.Count == 0
            ? ApiResponses.Ok(new
            {
                status = consumer.Current.IsHealthy ? "ok" : "degraded",
                time = clock.GetUtcNow(),
                dependencies,
                traceConsumer = consumer.Current,
            })
            : Problems.DependencyUnavailable(down, DependencyOutages.RetryAfterSeconds, new Dictionary<string, object> { ["dependencies"] = dependencies });
    }

    private static async Task<(string Name, string? Error)> CheckAsync(IDependencyProbe probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await probe.ProbeAsync(timeout.Token);
            return (probe.Name, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (probe.Name, $"No answer within {ProbeTimeout.TotalSeconds:0} s.");
        }
#pragma warning disable CA1031 // Whatever the probe threw, the dependency is down; the report says why.
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return (probe.Name, DependencyOutages.Summarise(exception));
        }
    }
}
