using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>An absolute URL of an API path (such as <c>workflows/runs/1/status</c>) at the public base URL (<see cref="PublicUrls"/>).</summary>
    public static string Url(HttpRequest request, string apiPath)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.RequestServices.GetRequiredService<PublicUrls>().Api(request, apiPath);
    }

    /// <summary>Writes <paramref name="result"/> as the response, outside MVC (endpoints, middleware).</summary>
    public static Task ExecuteAsync(HttpContext context, IActionResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        return result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }
}
