using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using ShipSec.Functions.Http;

namespace ShipSec.Functions;

/// <summary>
/// Applies <see cref="ApiAccessPolicy"/> to HTTP invocations in the Functions app (the local host applies the
/// same policy in its endpoint mapper). Non-HTTP triggers and <see cref="AllowAnonymousAccessAttribute"/>
/// functions pass through.
/// </summary>
internal sealed class ApiAccessMiddleware(ApiAccessPolicy policy) : IFunctionsWorkerMiddleware
{
    private static readonly ConcurrentDictionary<string, bool> Anonymous = new(StringComparer.Ordinal);

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        if (http is null || IsAnonymous(context.FunctionDefinition.EntryPoint) || await policy.IsAuthorizedAsync(http.Request, context.CancellationToken))
        {
            await next(context);
            return;
        }

        // The ASP.NET Core integration executes an IActionResult set as the invocation's result.
        context.GetInvocationResult().Value = policy.Unauthorized();
    }

    private static bool IsAnonymous(string entryPoint) => Anonymous.GetOrAdd(entryPoint, static name =>
    {
        var dot = name.LastIndexOf('.');
        var method = typeof(ApiAccessMiddleware).Assembly.GetType(name[..dot])?.GetMethod(name[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static);
        return method is not null && AllowAnonymousAccessAttribute.IsOn(method);
    });
}
