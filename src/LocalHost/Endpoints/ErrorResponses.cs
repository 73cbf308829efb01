using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HostFiltering;
using ShipSec.Functions.Http;

namespace ShipSec.LocalHost.Endpoints;

/// <summary>
/// Every error the local host answers has a problem-details body, whichever layer produced it: an exception
/// anywhere (500, or 413/400 for what Kestrel raised while reading a body), a status some layer set without a
/// body (routing's 404 and 405, the hub's 401), and <see cref="RequestTargetRules"/> (forged Host, NUL or invalid
/// UTF-8, an over-long target) for every path, not only the API's.
/// </summary>
internal static class ErrorResponses
{
    /// <summary>Loopback names: what the local host answers to unless <c>AllowedHosts</c> says otherwise.</summary>
    public const string LoopbackHosts = "localhost;127.0.0.1;[::1]";

    /// <summary>
    /// What Kestrel itself refuses (a request it cannot parse) gets a problem body too (<see cref="KestrelErrorBodies"/>).
    /// Kestrel's own limits sit above <see cref="RequestTargetRules.MaxTargetLength"/>, so an over-long target
    /// meets the rule (414 with a body) rather than Kestrel (414 without one).
    /// </summary>
    public static void UseProblemLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestLineSize = 64 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 96 * 1024;
            kestrel.ConfigureEndpointDefaults(listen => listen.UseProblemBodiesForKestrelErrors());
        });

        // RequestTargetRules applies AllowedHosts itself, with a problem-details answer; ASP.NET Core's own host
        // filter (which answers with an HTML page) is told to let everything through to it.
        builder.Services.PostConfigure<HostFilteringOptions>(options => options.AllowedHosts = ["*"]);
    }

    /// <summary>Adds the error middleware; call first, before routing.</summary>
    public static void UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var problem = error is null
                    ? Problems.ForStatus(StatusCodes.Status500InternalServerError, context.Request.Method, context.Request.Path)
                    : Problems.ForException(error, context.Request.Method, context.Request.Path);
                return ApiResponses.ExecuteAsync(context, problem);
            },
        });
        app.UseStatusCodePages(context => ApiResponses.ExecuteAsync(
            context.HttpContext,
            Problems.ForStatus(context.HttpContext.Response.StatusCode, context.HttpContext.Request.Method, context.HttpContext.Request.Path)));
    }

    /// <summary>Applies <see cref="RequestTargetRules"/> to every request; call after routing, so a bad path segment is named by its route parameter.</summary>
    public static void UseRequestTargetRules(this WebApplication app)
    {
        var rules = app.Services.GetRequiredService<RequestTargetRules>();
        app.Use(async (context, next) =>
        {
            if (rules.Check(context, context.GetEndpoint()?.Metadata.GetMetadata<ApiRoute>()?.Pattern) is { } problem)
            {
                await ApiResponses.ExecuteAsync(context, problem);
                return;
            }

            await next(context);
        });
    }
}
