using Microsoft.AspNetCore.Mvc;
using ShipSec.Functions.Http;

namespace ShipSec.LocalHost.Endpoints;

/// <summary>
/// Maps <see cref="ApiRoutes.Table"/> as ordinary ASP.NET Core endpoints under <c>/api</c>: each row's method
/// and route, named after its function, admitted by <see cref="ApiGate"/> and served by the row's handler,
/// which calls the same function class the Functions host runs.
/// </summary>
internal static class ApiEndpoints
{
    public static RouteGroupBuilder MapShipSecApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup($"/{ApiRoute.Prefix}");
        foreach (var route in ApiRoutes.Table)
        {
            api.MapMethods(route.Template, [route.Method], context => ServeAsync(context, route))
                .WithName(route.Function)
                .WithMetadata(route);
        }

        return api;
    }

    private static async Task ServeAsync(HttpContext context, ApiRoute route)
    {
        var gate = context.RequestServices.GetRequiredService<ApiGate>();
        IActionResult result;
        try
        {
            result = await gate.AdmitAsync(context, route, context.RequestAborted)
                ?? await route.Handler(context, context.RequestAborted);
        }
        catch (Exception exception) when (exception is RequestBodyTooLargeException or BadHttpRequestException)
        {
            // What the Functions app's gate middleware answers for the same exceptions.
            result = Problems.ForException(exception, context.Request.Method, context.Request.Path);
        }

        await ApiResponses.ExecuteAsync(context, result);
    }
}
