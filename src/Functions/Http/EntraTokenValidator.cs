using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ShipSec.Functions.Http;

/// <summary>Which Entra ID tokens may call the API (section <c>Access:Entra</c>); off while <see cref="TenantId"/> is empty.</summary>
public sealed class EntraOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Access:Entra";

    /// <summary>The directory (tenant) id whose tokens are accepted.</summary>
    public string? TenantId { get; set; }

    /// <summary>The audience tokens must be issued for, such as <c>api://&lt;client id&gt;</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>The sign-in authority; the tenant's v2.0 endpoint under this host.</summary>
    public Uri Instance { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>True when tokens are to be validated.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(Audience);

    /// <summary>The issuer of the tenant's v2.0 tokens.</summary>
    public string Issuer => new Uri(Instance, $"{TenantId}/v2.0").ToString();
}

/// <summary>The caller a validated Entra ID token names.</summary>
/// <param name="ObjectId">The <c>oid</c> claim: the user's or application's object id.</param>
/// <param name="Name">A display name (<c>preferred_username</c>, <c>name</c> or the object id), for the trace; never a secret.</param>
public sealed record EntraPrincipal(string ObjectId, string Name);

/// <summary>
/// Validates Entra ID bearer tokens in the app (issuer, audience, signature against the tenant's published
/// keys, lifetime), so a caller's identity never rests on headers a proxy is trusted to set. The signing
/// keys come from the tenant's OpenID configuration, cached and refreshed by the configuration manager (and
/// refreshed at once when a token names a key not seen yet: keys roll over).
/// </summary>
public sealed class EntraTokenValidator
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private readonly EntraOptions options;
    private readonly IConfigurationManager<OpenIdConnectConfiguration>? configuration;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    /// <summary>The validator of the configured tenant, reading its keys from its OpenID configuration document.</summary>
    public EntraTokenValidator(IOptions<EntraOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), options.Value.IsEnabled
            ? new ConfigurationManager<OpenIdConnectConfiguration>(
                new Uri(options.Value.Instance, $"{options.Value.TenantId}/v2.0/.well-known/openid-configuration").ToString(),
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = options.Value.Instance.Scheme == Uri.UriSchemeHttps })
            : null)
    {
    }

    /// <summary>A validator over a given source of the tenant's configuration (tests use a static key set).</summary>
    public EntraTokenValidator(EntraOptions options, IConfigurationManager<OpenIdConnectConfiguration>? configuration)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.configuration = options.IsEnabled ? configuration ?? throw new ArgumentNullException(nameof(configuration)) : null;
    }

    /// <summary>True when Entra ID tokens are accepted at all.</summary>
    public bool IsEnabled => configuration is not null;

    /// <summary>The caller of a valid <c>Authorization: Bearer</c> token, or null for anything else.</summary>
    public async Task<EntraPrincipal?> ValidateAsync(string? authorization, CancellationToken cancellationToken = default)
    {
        if (configuration is null || authorization is null
            || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
        {
            return null;
        }

        var token = authorization[7..].Trim();
        var result = await ValidateWithKeysAsync(token, cancellationToken).ConfigureAwait(false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key the cached document does not list yet: fetch it again once (the manager rate-limits this).
            configuration.RequestRefresh();
            result = await ValidateWithKeysAsync(token, cancellationToken).ConfigureAwait(false);
        }

        if (!result.IsValid)
        {
            return null;
        }

        var identity = result.ClaimsIdentity;
        var objectId = Claim(identity, "oid") ?? Claim(identity, "sub");
        return objectId is null ? null
            : new EntraPrincipal(objectId, Claim(identity, "preferred_username") ?? Claim(identity, "name") ?? Claim(identity, "appid") ?? objectId);
    }

    private async Task<TokenValidationResult> ValidateWithKeysAsync(string token, CancellationToken cancellationToken)
    {
        var document = await configuration!.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        return await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKeys = document.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
        }).ConfigureAwait(false);
    }

    private static string? Claim(ClaimsIdentity identity, string type) => identity.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;
}
