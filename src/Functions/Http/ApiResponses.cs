using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ShipSec.Shared.Json;

namespace ShipSec.Functions.Http;

/// <summary>Successful responses, serialised with the ShipSec JSON rules on every host.</summary>
public static class ApiResponses
{
    /// <summary>200 with a JSON body.</summary>
    public static JsonResult Ok(object value) => new(value, ShipSecJson.Options) { StatusCode = StatusCodes.Status200OK };

    /// <summary>201 with a JSON body and a Location header.</summary>
    public static IActionResult Created(HttpRequest request, string location, object value)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.Location = location;
        return new JsonResult(value, ShipSecJson.Options) { StatusCode = StatusCodes.Status201Created };
    }

    /// <summary>202 with a JSON body and a Location header to poll.</summary>
    public static IActionResult Accepted(HttpRequest request, string location, object value)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.Location = location;
        return new JsonResult(value, ShipSecJson.Options) { StatusCode = StatusCodes.Status202Accepted };
    }

    /// <summary>An absolute URL of an API path (such as <c>workflows/runs/1/status</c>) on the host that served the request.</summary>
    public static string Url(HttpRequest request, string apiPath)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}/api/{apiPath}";
    }
}
