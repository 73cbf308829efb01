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

    /// <summary>The API key callers send as <c>x-functions-key</c> (or <c>?code=</c>); when empty and Entra ID is off (<see cref="EntraOptions"/>), the API is open.</summary>
    public string? ApiKey { get; set; }
}

/// <summary>
/// The one access rule of the HTTP API: a caller presents the API key, or an Entra ID bearer token that
/// <see cref="EntraTokenValidator"/> accepts (validated here, not trusted from headers a proxy sets). The
/// local host applies it in its endpoint mapper, the Functions app in <see cref="ApiAccessMiddleware"/>;
/// triggers are Anonymous at the Functions host so that either credential reaches this rule.
/// </summary>
public sealed class ApiAccessPolicy(IOptions<AccessOptions> options, EntraTokenValidator entra)
{
    /// <summary>The header carrying the key, as Azure Functions names function keys.</summary>
    public const string HeaderName = "x-functions-key";

    /// <summary>The cookie the local dashboard link stores the key in.</summary>
    public const string CookieName = "shipsec-key";

    private readonly byte[]? key = string.IsNullOrEmpty(options.Value.ApiKey) ? null : Encoding.UTF8.GetBytes(options.Value.ApiKey);
    private readonly bool trustEntra = entra.IsEnabled;

    /// <summary>True when no credential is configured at all: the API is open (local development only).</summary>
    public bool IsOpen => key is null && !trustEntra;

    /// <summary>True when the request may call a guarded function: the API key, or a valid Entra ID bearer token.</summary>
    public async ValueTask<bool> IsAuthorizedAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsOpen || HasKey(request))
        {
            return true;
        }

        return trustEntra && await entra.ValidateAsync(request.Headers.Authorization.FirstOrDefault(), cancellationToken).ConfigureAwait(false) is not null;
    }

    private bool HasKey(HttpRequest request)
        => key is not null && Matches(request.Headers[HeaderName].FirstOrDefault() ?? request.Query["code"].FirstOrDefault() ?? request.Cookies[CookieName]);

    /// <summary>True when <paramref name="presented"/> is the API key (constant-time).</summary>
    public bool Matches(string? presented)
        => key is not null && presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), key);

    /// <summary>401 problem details naming what to send.</summary>
    public ObjectResult Unauthorized() => Problems.Unauthorized(
        trustEntra
            ? $"Send the API key in the {HeaderName} header, or an Entra ID bearer token for this app."
            : $"Send the API key in the {HeaderName} header (scripts/run prints it).");
}
