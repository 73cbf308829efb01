using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ShipSec.Functions.Http;

/// <summary>
/// Admits a request to the route it matched, the same way on both hosts (the Functions app's worker middleware
/// and the local host's endpoints call it): the request target (<see cref="RequestTargetRules"/>), who may call
/// (<see cref="ApiAccessPolicy"/>), then the body: none where the route takes none, JSON where it takes one,
/// never more than the route's limit. The admitted caller is kept for <see cref="ApiPrincipal.Of"/>.
/// </summary>
public sealed class ApiGate(RequestTargetRules target, ApiAccessPolicy access, IOptions<ApiOptions> options)
{
    /// <summary>Null when the request may proceed to <paramref name="route"/>'s function; otherwise the problem to answer with.</summary>
    public async ValueTask<ObjectResult?> AdmitAsync(HttpContext context, ApiRoute route, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(route);
        if (target.Check(context, route.Pattern) is { } targetProblem)
        {
            return targetProblem;
        }

        var (principal, accessProblem) = await access.AuthorizeAsync(context.Request, route, cancellationToken);
        if (accessProblem is not null)
        {
            return accessProblem;
        }

        context.Features.Set(principal);
        return CheckBody(context, route);
    }

    /// <summary>The body limit of <paramref name="body"/> routes, in bytes.</summary>
    public long LimitOf(ApiBody body) => body switch
    {
        ApiBody.Workflow => options.Value.MaxWorkflowBytes,
        ApiBody.Control => options.Value.MaxControlBytes,
        ApiBody.RunInputs => options.Value.MaxRunInputBytes,
        _ => 0,
    };

    private ObjectResult? CheckBody(HttpContext context, ApiRoute route)
    {
        var request = context.Request;
        var limit = LimitOf(route.Body);
        var setting = route.Body switch
        {
            ApiBody.Workflow => $"{ApiOptions.SectionName}:{nameof(ApiOptions.MaxWorkflowBytes)}",
            ApiBody.Control => $"{ApiOptions.SectionName}:{nameof(ApiOptions.MaxControlBytes)}",
            ApiBody.RunInputs => $"{ApiOptions.SectionName}:{nameof(ApiOptions.MaxRunInputBytes)}",
            _ => null,
        };
        if (request.ContentLength > limit)
        {
            return Problems.BodyTooLarge(limit, setting);
        }

        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (hasBody && route.Body != ApiBody.None && !IsJson(request.ContentType))
        {
            return Problems.UnsupportedMediaType(request.ContentType);
        }

        // Enforced while reading too: a chunked body has no length to check up front.
        request.Body = new BoundedRequestStream(request.Body, limit, setting);
        return null;
    }

    /// <summary>True for <c>application/json</c> and <c>application/*+json</c>, with any parameters.</summary>
    internal static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType is not { } type)
        {
            return false;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
