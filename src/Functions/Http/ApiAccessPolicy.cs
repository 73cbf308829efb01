using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ShipSec.Functions.Http;

/// <summary>
/// The one access rule of the HTTP API, applied by <see cref="ApiGate"/> on both hosts: who the caller is
/// (the first <see cref="IApiPrincipalValidator"/> that recognises a credential), whether its role reaches the
/// route's, and whether a state-changing request came from this site. Triggers are Anonymous at the
/// Functions host so that every kind of credential reaches this rule.
/// </summary>
public sealed class ApiAccessPolicy(IEnumerable<IApiPrincipalValidator> validators, PublicUrls urls)
{
    /// <summary>
    /// The header the dashboard sends with every request. A page on another origin cannot add a custom header
    /// to a request without a CORS preflight, which this API never grants, so its presence proves the request
    /// came from a page of this origin.
    /// </summary>
    public const string AntiForgeryHeader = "X-ShipSec-Client";

    private readonly IApiPrincipalValidator[] validators = [.. validators];

    /// <summary>True when no credential is configured at all: the API is open (local development only).</summary>
    public bool IsOpen => !validators.Any(v => v.IsConfigured);

    /// <summary>The caller <paramref name="request"/> may act as on <paramref name="route"/>, or the problem that refuses it.</summary>
    public async ValueTask<(ApiPrincipal? Principal, ObjectResult? Problem)> AuthorizeAsync(HttpRequest request, ApiRoute route, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(route);

        // Even an open API refuses a state change a page on another site asked a browser to make.
        if (route.ChangesState && CrossSiteReason(request) is { } crossSite)
        {
            return (null, Problems.CrossSiteRequest(crossSite));
        }

        var principal = await AuthenticateAsync(request, cancellationToken);
        if (route.Access == ApiRole.Anyone)
        {
            return (principal ?? ApiPrincipal.Unknown, null);
        }

        if (principal is null)
        {
            return (null, Unauthorized());
        }

        if (!principal.Has(route.Access))
        {
            return (null, Problems.RoleTooLow(principal.Name, principal.Role, route.Access));
        }

        // A browser attaches the cookie to any request to this host, whoever asked for it.
        if (route.ChangesState && principal.Source == CredentialSource.Cookie && !CarriesAntiForgeryProof(request))
        {
            return (null, Problems.AntiForgeryMissing(AntiForgeryHeader));
        }

        return (principal, null);
    }

    /// <summary>The caller a credential in <paramref name="request"/> proves; <see cref="ApiPrincipal.Open"/> on an open API; null when none.</summary>
    public async ValueTask<ApiPrincipal?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsOpen)
        {
            return ApiPrincipal.Open;
        }

        foreach (var validator in validators)
        {
            if (validator.IsConfigured && await validator.AuthenticateAsync(request, cancellationToken) is { } principal)
            {
                return principal;
            }
        }

        return null;
    }

    /// <summary>401 problem details naming what to send.</summary>
    public ObjectResult Unauthorized()
        => Problems.Unauthorized(string.Join(", ", validators.Where(v => v.IsConfigured).Select(v => v.Hint)) + ".");

    /// <summary>
    /// The dashboard's proof that a cookie-borne request is its own: the browser says it is same-origin
    /// (<c>Sec-Fetch-Site</c>, or an <c>Origin</c> of this host) and the page added <see cref="AntiForgeryHeader"/>.
    /// </summary>
    private bool CarriesAntiForgeryProof(HttpRequest request)
    {
        var sameOrigin = request.Headers["Sec-Fetch-Site"].FirstOrDefault() == "same-origin"
            || (request.Headers.Origin.FirstOrDefault() is { } origin && urls.IsOwnOrigin(request, origin));
        return sameOrigin && !string.IsNullOrEmpty(request.Headers[AntiForgeryHeader].FirstOrDefault());
    }

    /// <summary>
    /// Why <paramref name="request"/> looks like a browser request made on behalf of another site, or null:
    /// <c>Sec-Fetch-Site</c> other than same-origin (or none, a typed address), or an <c>Origin</c> that is not this host's.
    /// Clients that are not browsers send neither.
    /// </summary>
    private string? CrossSiteReason(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"].FirstOrDefault() is { } site && site is not ("same-origin" or "none"))
        {
            return $"Sec-Fetch-Site is '{site}'";
        }

        if (request.Headers.Origin.FirstOrDefault() is { } origin && !urls.IsOwnOrigin(request, origin))
        {
            return $"Origin '{origin}' is not this host";
        }

        return null;
    }
}
