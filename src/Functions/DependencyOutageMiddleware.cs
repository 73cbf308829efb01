using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using ShipSec.Functions.Http;

namespace ShipSec.Functions;

/// <summary>
/// Answers an HTTP invocation that failed because a dependency is down with <see cref="DependencyOutages"/>'
/// 503 problem instead of the host's bare 500 (the local host applies the same rule in its pipeline).
/// </summary>
internal sealed class DependencyOutageMiddleware(ILogger<DependencyOutageMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception exception) when (context.GetHttpContext() is not null && DependencyOutages.ToProblem(exception, logger) is { } problem)
        {
            // The ASP.NET Core integration executes an IActionResult set as the invocation's result.
            context.GetInvocationResult().Value = problem;
        }
    }
}
