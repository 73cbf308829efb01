using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ShipSec.Functions.Http;

/// <summary>Liveness for scripts and load balancers: answers once the host has started its services.</summary>
public sealed class HealthFunction(TimeProvider clock)
{
    /// <summary><c>GET /api/health</c>.</summary>
    [Function(nameof(Health))]
    public IActionResult Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
        => ApiResponses.Ok(new { status = "ok", time = clock.GetUtcNow() });
}
