using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ShipSec.Functions.Http;

/// <summary>Serves one route on a host that is not the Functions host: calls the route's <c>[Function]</c> method.</summary>
public delegate Task<IActionResult> ApiHandler(HttpContext context, CancellationToken cancellationToken);

/// <summary>What body a route takes, and so its size limit and content type.</summary>
public enum ApiBody
{
    /// <summary>No body: any body is refused with 413.</summary>
    None,

    /// <summary>An optional small JSON body (<see cref="ApiOptions.MaxControlBytes"/>): negotiate, subscribe, cancel.</summary>
    Control,

    /// <summary>A run's start request with its input values (<see cref="ApiOptions.MaxRunInputBytes"/>).</summary>
    RunInputs,

    /// <summary>A workflow document (<see cref="ApiOptions.MaxWorkflowBytes"/>).</summary>
    Workflow,
}

/// <summary>One row of <see cref="ApiRoutes.Table"/>.</summary>
/// <param name="Method">The HTTP method, upper case.</param>
/// <param name="Template">The route under <c>/api/</c>, as in the function's <c>[HttpTrigger]</c>.</param>
/// <param name="Function">The <c>[Function]</c> name, which is also the endpoint name.</param>
/// <param name="Access">The least role a caller needs.</param>
/// <param name="Body">What body it takes.</param>
/// <param name="Handler">How a host other than the Functions host calls the function.</param>
public sealed record ApiRoute(string Method, string Template, string Function, ApiRole Access, ApiBody Body, ApiHandler Handler)
{
    /// <summary>The Functions host's route prefix (host.json <c>extensions.http.routePrefix</c>).</summary>
    public const string Prefix = "api";

    /// <summary>The path pattern as served, such as <c>/api/workflows/{workflowId}</c>.</summary>
    public string Pattern => $"/{Prefix}/{Template}";

    /// <summary>True for methods that change state (every method but GET and HEAD).</summary>
    public bool ChangesState => !HttpMethods.IsGet(Method) && !HttpMethods.IsHead(Method);

    /// <summary>A GET route.</summary>
    public static ApiRoute Get(string template, string function, ApiRole access, ApiHandler handler)
        => new(HttpMethods.Get, template, function, access, ApiBody.None, handler);

    /// <summary>A PUT route.</summary>
    public static ApiRoute Put(string template, string function, ApiRole access, ApiBody body, ApiHandler handler)
        => new(HttpMethods.Put, template, function, access, body, handler);

    /// <summary>A DELETE route (no body).</summary>
    public static ApiRoute Delete(string template, string function, ApiRole access, ApiHandler handler)
        => new(HttpMethods.Delete, template, function, access, ApiBody.None, handler);

    /// <summary>A POST route.</summary>
    public static ApiRoute Post(string template, string function, ApiRole access, ApiBody body, ApiHandler handler)
        => new(HttpMethods.Post, template, function, access, body, handler);
}

/// <summary>What the route handlers need from a request, without reflection per request.</summary>
public static class ApiHandlerContext
{
    /// <summary>The function class, built with its dependencies from the request's services.</summary>
    public static T Function<T>(this HttpContext context)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        return FunctionFactory<T>.Create(context.RequestServices, null);
    }

    /// <summary>A route value by name (empty when absent: routing only matches when it is there).</summary>
    public static string Route(this HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.RouteValues.TryGetValue(name, out var value) ? value?.ToString() ?? "" : "";
    }

    /// <summary>The Durable Task client, which the Functions host binds with <c>[DurableClient]</c>.</summary>
    public static DurableTaskClient DurableClient(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetRequiredService<DurableTaskClient>();
    }

    private static class FunctionFactory<T>
        where T : class
    {
        // Built once per function class: the constructor is bound here, not looked up per request.
        public static readonly ObjectFactory<T> Create = ActivatorUtilities.CreateFactory<T>(Type.EmptyTypes);
    }
}
