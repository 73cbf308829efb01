using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ShipSec.Functions.Http;

/// <summary>
/// Absolute URLs of this API as clients reach it: <see cref="ApiOptions.PublicBaseUrl"/> when configured, else
/// the request's own scheme and host (which <see cref="RequestTargetRules"/> has checked against <c>AllowedHosts</c>).
/// </summary>
public sealed class PublicUrls(IOptions<ApiOptions> options)
{
    private readonly Uri? configured = options.Value.PublicBaseUrl is { } url
        ? new Uri(url.AbsoluteUri.EndsWith('/') ? url.AbsoluteUri : url.AbsoluteUri + "/")
        : null;

    /// <summary>The site root, ending in <c>/</c>.</summary>
    public Uri Root(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return configured ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
    }

    /// <summary>The absolute URL of an API path such as <c>workflows/runs/1/status</c>.</summary>
    public string Api(HttpRequest request, string apiPath) => new Uri(Root(request), $"{ApiRoute.Prefix}/{apiPath}").AbsoluteUri;

    /// <summary>True when <paramref name="origin"/> (an <c>Origin</c> header) is this site: the public base URL's origin or the request's own.</summary>
    public bool IsOwnOrigin(HttpRequest request, string origin)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && ((configured is not null && SameOrigin(uri, configured))
                || SameOrigin(uri, new Uri($"{request.Scheme}://{request.Host}/")));
    }

    private static bool SameOrigin(Uri a, Uri b)
        => string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port;
}
