using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ShipSec.Functions.Http;

/// <summary>Marks an HTTP function anyone may call (health checks); every other HTTP function is guarded by <see cref="ApiAccessPolicy"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AllowAnonymousAccessAttribute : Attribute
{
    /// <summary>True when the method carries this attribute.</summary>
    public static bool IsOn(MethodInfo method) => method?.GetCustomAttribute<AllowAnonymousAccessAttribute>() is not null;
}

/// <summary>Who may call the API (section <c>Access</c>), on both hosts.</summary>
public sealed class AccessOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Access";

    /// <summary>The API key callers send as <c>x-functions-key</c> (or <c>?code=</c>); when empty and no platform authentication is trusted, the API is open.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// True only behind App Service Authentication (Entra ID): the platform validates bearer tokens, removes
    /// any client-sent <c>X-MS-CLIENT-PRINCIPAL*</c> headers and sets them for authenticated callers, so their
    /// presence proves a valid Entra ID token. Anywhere else a client could forge them: keep false.
    /// </summary>
    public bool TrustPlatformAuthentication { get; set; }
}

/// <summary>
/// The one access rule of the HTTP API: a caller presents the API key, or (in Azure, with App Service
/// Authentication) an Entra ID bearer token the platform has validated. The local host applies it in its
/// endpoint mapper, the Functions app in <see cref="ApiAccessMiddleware"/>; triggers are Anonymous at the
/// Functions host so that either credential reaches this rule.
/// </summary>
public sealed class ApiAccessPolicy(IOptions<AccessOptions> options)
{
    /// <summary>The header carrying the key, as Azure Functions names function keys.</summary>
    public const string HeaderName = "x-functions-key";

    /// <summary>The cookie the local dashboard link stores the key in.</summary>
    public const string CookieName = "shipsec-key";

    /// <summary>The header App Service Authentication sets for an authenticated caller.</summary>
    public const string PlatformPrincipalHeader = "X-MS-CLIENT-PRINCIPAL-ID";

    private readonly byte[]? key = string.IsNullOrEmpty(options.Value.ApiKey) ? null : Encoding.UTF8.GetBytes(options.Value.ApiKey);
    private readonly bool trustPlatform = options.Value.TrustPlatformAuthentication;

    /// <summary>True when no credential is configured at all: the API is open (local development only).</summary>
    public bool IsOpen => key is null && !trustPlatform;

    /// <summary>True when the request may call a guarded function.</summary>
    public bool IsAuthorized(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsOpen)
        {
            return true;
        }

        if (trustPlatform && !string.IsNullOrEmpty(request.Headers[PlatformPrincipalHeader].FirstOrDefault()))
        {
            return true;
        }

        return key is not null && Matches(request.Headers[HeaderName].FirstOrDefault() ?? request.Query["code"].FirstOrDefault() ?? request.Cookies[CookieName]);
    }

    /// <summary>True when <paramref name="presented"/> is the API key (constant-time).</summary>
    public bool Matches(string? presented)
        => key is not null && presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), key);

    /// <summary>401 problem details naming what to send.</summary>
    public ObjectResult Unauthorized() => Problems.Unauthorized(
        trustPlatform
            ? $"Send the API key in the {HeaderName} header, or an Entra ID bearer token for this app."
            : $"Send the API key in the {HeaderName} header (scripts/run prints it).");
}
