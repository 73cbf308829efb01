using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ShipSec.Functions.Http;

/// <summary>
/// One way of proving who a caller is. <see cref="ApiAccessPolicy"/> asks each registered validator in turn;
/// a deployment adds its own (an Entra ID bearer validator, say) by registering another implementation.
/// </summary>
public interface IApiPrincipalValidator
{
    /// <summary>True when this validator has something configured to check against; with none configured the API is open.</summary>
    bool IsConfigured { get; }

    /// <summary>What to tell a caller who presented nothing valid, such as "Send the API key in the x-functions-key header".</summary>
    string Hint { get; }

    /// <summary>The caller this request proves, or null when it carries no credential this validator accepts.</summary>
    ValueTask<ApiPrincipal?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken = default);
}

/// <summary>API keys, each with a name and role (<see cref="AccessOptions"/>): from the header, the <c>code</c> query parameter or the dashboard cookie.</summary>
public sealed class ApiKeyValidator(IOptions<AccessOptions> options) : IApiPrincipalValidator
{
    /// <summary>The header carrying the key, as Azure Functions names function keys.</summary>
    public const string HeaderName = "x-functions-key";

    /// <summary>The query parameter carrying the key, as Azure Functions names it.</summary>
    public const string QueryName = "code";

    /// <summary>The cookie the local dashboard link stores the key in.</summary>
    public const string CookieName = "shipsec-key";

    private readonly (byte[] Secret, ApiPrincipal Principal)[] keys = [.. options.Value.AllKeys()
        .Select(k => (Encoding.UTF8.GetBytes(k.Key), new ApiPrincipal(k.Name, k.Role, CredentialSource.None)))];

    /// <inheritdoc />
    public bool IsConfigured => keys.Length > 0;

    /// <inheritdoc />
    public string Hint => $"Send an API key in the {HeaderName} header (scripts/run prints it).";

    /// <inheritdoc />
    public ValueTask<ApiPrincipal?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (presented, source) = request.Headers[HeaderName].FirstOrDefault() is { } header ? (header, CredentialSource.Header)
            : request.Query[QueryName].FirstOrDefault() is { } query ? (query, CredentialSource.Query)
            : request.Cookies[CookieName] is { } cookie ? (cookie, CredentialSource.Cookie)
            : (null, CredentialSource.None);
        return ValueTask.FromResult(Find(presented) is { } principal ? principal with { Source = source } : null);
    }

    /// <summary>The key's principal when <paramref name="presented"/> is a configured key (compared in constant time against every key).</summary>
    public ApiPrincipal? Find(string? presented)
    {
        if (presented is null)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(presented);
        ApiPrincipal? found = null;
        foreach (var (secret, principal) in keys)
        {
            // Every key is compared, so the time taken does not tell which one nearly matched.
            if (CryptographicOperations.FixedTimeEquals(bytes, secret))
            {
                found = principal;
            }
        }

        return found;
    }
}

/// <summary>
/// Callers with an Entra ID bearer token that <see cref="EntraTokenValidator"/> accepts (issuer, audience, signature,
/// lifetime, validated in the app rather than trusted from headers a proxy sets); they get
/// <see cref="AccessOptions.PlatformRole"/>.
/// </summary>
public sealed class EntraPrincipalValidator(EntraTokenValidator entra, IOptions<AccessOptions> options) : IApiPrincipalValidator
{
    /// <inheritdoc />
    public bool IsConfigured => entra.IsEnabled;

    /// <inheritdoc />
    public string Hint => "or an Entra ID bearer token for this app";

    /// <inheritdoc />
    public async ValueTask<ApiPrincipal?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsConfigured || request.Headers.Authorization.FirstOrDefault() is not { Length: > 0 } authorization)
        {
            return null;
        }

        return await entra.ValidateAsync(authorization, cancellationToken).ConfigureAwait(false) is { } principal
            ? new ApiPrincipal($"{principal.Name} ({principal.ObjectId})", options.Value.PlatformRole, CredentialSource.Header)
            : null;
    }
}
