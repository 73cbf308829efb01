using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ShipSec.Functions.Http;

namespace ShipSec.LocalHost.Endpoints;

/// <summary>
/// Serves the Functions app's HTTP-triggered methods on ASP.NET Core under the same routes and verbs, so
/// the API is written once. Routes and methods come from each method's <see cref="HttpTriggerAttribute"/>;
/// parameters bind as the Functions worker binds them: the request, route values by name, the
/// <see cref="DurableTaskClient"/>, and the request's cancellation token.
/// </summary>
internal static class FunctionEndpointMapper
{
    /// <summary>The Functions host's default route prefix (host.json <c>extensions.http.routePrefix</c>).</summary>
    public const string RoutePrefix = "api";

    public static IReadOnlyList<string> MapFunctionEndpoints(this IEndpointRouteBuilder endpoints, Assembly functionsAssembly)
    {
        var mapped = new List<string>();
        foreach (var type in functionsAssembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                var trigger = method.GetParameters()
                    .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>())
                    .FirstOrDefault(a => a is not null);
                if (trigger is null)
                {
                    continue;
                }

                var route = $"/{RoutePrefix}/{trigger.Route ?? function.Name}";
                var verbs = (trigger.Methods ?? ["GET", "POST"]).Select(m => m.ToUpperInvariant()).ToArray();
                var handler = CreateHandler(type, method, !AllowAnonymousAccessAttribute.IsOn(method));
                endpoints.MapMethods(route, verbs, handler).WithName(function.Name);
                mapped.Add($"{string.Join(',', verbs)} {route}");
            }
        }

        return mapped;
    }

    private static RequestDelegate CreateHandler(Type type, MethodInfo method, bool requiresKey)
    {
        if (!typeof(IActionResult).IsAssignableFrom(method.ReturnType) && !typeof(Task<IActionResult>).IsAssignableFrom(method.ReturnType))
        {
            throw new InvalidOperationException($"{type.Name}.{method.Name} must return IActionResult or Task<IActionResult> to be served locally.");
        }

        var binders = method.GetParameters().Select(CreateBinder).ToArray();
        var factory = method.IsStatic ? null : ActivatorUtilities.CreateFactory(type, Type.EmptyTypes);
        return async context =>
        {
            // The same access rule the Functions app applies in ApiAccessMiddleware.
            var policy = context.RequestServices.GetRequiredService<ApiAccessPolicy>();
            if (requiresKey && !await policy.IsAuthorizedAsync(context.Request, context.RequestAborted))
            {
                await policy.Unauthorized().ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                return;
            }

            var target = factory?.Invoke(context.RequestServices, null);
            var arguments = binders.Select(bind => bind(context)).ToArray();
            var returned = method.Invoke(target, arguments);
            var result = returned is Task<IActionResult> pending ? await pending : (IActionResult)returned!;
            await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        };
    }

    private static Func<HttpContext, object?> CreateBinder(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (type == typeof(HttpRequest))
        {
            return context => context.Request;
        }

        if (type == typeof(CancellationToken))
        {
            return context => context.RequestAborted;
        }

        if (type == typeof(DurableTaskClient))
        {
            return context => context.RequestServices.GetRequiredService<DurableTaskClient>();
        }

        if (type == typeof(string) || type == typeof(int) || type == typeof(long) || type == typeof(Guid))
        {
            var name = parameter.Name!;
            return context => context.Request.RouteValues.TryGetValue(name, out var value) && value is not null
                ? Convert(value.ToString()!, type)
                : null;
        }

        throw new InvalidOperationException(
            $"Parameter '{parameter.Name}' of type {type.Name} of {parameter.Member.DeclaringType?.Name}.{parameter.Member.Name} has no local binding; keep HTTP functions to the request, route values, DurableTaskClient and CancellationToken.");
    }

    private static object Convert(string value, Type type) => type == typeof(string)
        ? value
        : type == typeof(Guid) ? Guid.Parse(value) : System.Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
}
