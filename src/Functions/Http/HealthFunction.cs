using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ShipSec.Functions.Http;

/// <summary>
/// Liveness for scripts and load balancers: answers once the host has started its services, with the trace
/// consumer's state (<c>degraded</c> while its start keeps failing and is being retried).
/// </summary>
public sealed class HealthFunction(TimeProvider clock, ShipSec.Shared.Trace.TraceConsumerStatus consumer)
{
    /// <summary><c>GET /api/health</c>.</summary>
    [Function(nameof(Health))]
    public IActionResult Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
        => ApiResponses.Ok(new
        {
            status = consumer.Current.IsHealthy ? "ok" : "degraded",
            time = clock.GetUtcNow(),
            traceConsumer = consumer.Current,
        });
}
