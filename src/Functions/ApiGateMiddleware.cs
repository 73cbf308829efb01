using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using ShipSec.Functions.Http;

namespace ShipSec.Functions;

/// <summary>
/// The Functions app's side of <see cref="ApiGate"/>: an HTTP invocation is admitted with its row of
/// <see cref="ApiRoutes.Table"/> (found by function name), and whatever a function lets escape becomes
/// problem details rather than the host's empty 500. Non-HTTP triggers pass through.
/// </summary>
internal sealed class ApiGateMiddleware(ApiGate gate, ILogger<ApiGateMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context);
            return;
        }

        // A function missing from the table is refused outright rather than served unguarded.
        var route = ApiRoutes.ForFunction(context.FunctionDefinition.Name);
        var problem = route is null
            ? Problems.ForStatus(StatusCodes.Status404NotFound, http.Request.Method, http.Request.Path)
            : await gate.AdmitAsync(http, route, context.CancellationToken);
        if (problem is not null)
        {
            // The ASP.NET Core integration executes an IActionResult set as the invocation's result.
            context.GetInvocationResult().Value = problem;
            return;
        }

        try
        {
            await next(context);
        }
        catch (Exception exception) when (!http.Response.HasStarted)
        {
            FunctionsLog.HttpFunctionFailed(logger, exception, context.FunctionDefinition.Name);
            context.GetInvocationResult().Value = Problems.ForException(exception, http.Request.Method, http.Request.Path);
        }
    }
}
