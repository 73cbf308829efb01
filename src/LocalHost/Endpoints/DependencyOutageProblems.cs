using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using ShipSec.Functions.Http;

namespace ShipSec.LocalHost.Endpoints;

/// <summary>
/// The local host's place for <see cref="DependencyOutages"/>: a request that failed because PostgreSQL or storage
/// is down is answered 503 problem+json with <c>Retry-After</c>, as the Functions app's middleware does.
/// </summary>
internal static class DependencyOutageProblems
{
    public static IApplicationBuilder UseDependencyOutageProblems(this IApplicationBuilder app)
        => app.Use(static async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception exception) when (!context.Response.HasStarted
                && DependencyOutages.ToProblem(exception, context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DependencyOutages))) is { } problem)
            {
                context.Response.Clear();
                await problem.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
            }
        });
}
