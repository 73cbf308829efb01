using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using ShipSec.Functions.Http;

namespace ShipSec.Functions.Tests;

/// <summary>The one access rule both hosts apply: the API key, or an Entra ID bearer token the app validates itself.</summary>
public sealed class ApiAccessPolicyTests : IDisposable
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string Audience = "api://shipsec-test";

    // The tenant's signing key, published to the validator as a static key set; and a key nobody published.
    private readonly RSA tenantKey = RSA.Create(2048);
    private readonly RSA strangerKey = RSA.Create(2048);

    private static readonly EntraOptions Entra = new() { TenantId = Tenant, Audience = Audience };

    public void Dispose()
    {
        tenantKey.Dispose();
        strangerKey.Dispose();
    }

    private ApiAccessPolicy Policy(string? key, bool entra = false)
    {
        var validator = entra
            ? new EntraTokenValidator(Entra, new StaticConfigurationManager<OpenIdConnectConfiguration>(Configuration()))
            : new EntraTokenValidator(new EntraOptions(), null);
        return new(Options.Create(new AccessOptions { ApiKey = key }), validator);
    }

    private OpenIdConnectConfiguration Configuration()
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = Entra.Issuer };
        configuration.SigningKeys.Add(new RsaSecurityKey(tenantKey) { KeyId = "tenant-key" });
        return configuration;
    }

    private string Token(RSA? signer = null, string issuer = "", string audience = Audience, DateTime? expires = null, string keyId = "tenant-key")
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.Length == 0 ? Entra.Issuer : issuer,
            Audience = audience,
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-1),
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-1),
            Expires = expires ?? now.AddHours(1),
            Subject = new ClaimsIdentity([new Claim("oid", "00000000-0000-0000-0000-0000000000aa"), new Claim("preferred_username", "ops@example.test")]),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signer ?? tenantKey) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    private static HttpRequest Request(string? header = null, string? query = null, string? bearer = null, string? principalHeader = null)
    {
        var context = new DefaultHttpContext();
        if (header is not null)
        {
            context.Request.Headers[ApiAccessPolicy.HeaderName] = header;
        }

        if (query is not null)
        {
            context.Request.QueryString = new QueryString($"?code={query}");
        }

        if (bearer is not null)
        {
            context.Request.Headers.Authorization = $"Bearer {bearer}";
        }

        if (principalHeader is not null)
        {
            context.Request.Headers["X-MS-CLIENT-PRINCIPAL-ID"] = principalHeader;
        }

        return context.Request;
    }

    [Fact]
    public async Task The_key_in_the_header_or_the_code_parameter_is_accepted_and_anything_else_refused()
    {
        var policy = Policy("s3cret-key");

        Assert.True(await policy.IsAuthorizedAsync(Request(header: "s3cret-key")));
        Assert.True(await policy.IsAuthorizedAsync(Request(query: "s3cret-key")));
        Assert.False(await policy.IsAuthorizedAsync(Request()));
        Assert.False(await policy.IsAuthorizedAsync(Request(header: "s3cret-kez")));
    }

    [Fact]
    public async Task A_valid_entra_token_of_the_tenant_for_the_api_is_accepted_and_names_its_caller()
    {
        var validator = new EntraTokenValidator(Entra, new StaticConfigurationManager<OpenIdConnectConfiguration>(Configuration()));

        Assert.True(await Policy("s3cret-key", entra: true).IsAuthorizedAsync(Request(bearer: Token())));
        Assert.Equal(new EntraPrincipal("00000000-0000-0000-0000-0000000000aa", "ops@example.test"), await validator.ValidateAsync($"Bearer {Token()}"));
    }

    [Fact]
    public async Task Tokens_with_a_wrong_issuer_audience_signature_or_lifetime_are_refused()
    {
        var policy = Policy("s3cret-key", entra: true);

        Assert.False(await policy.IsAuthorizedAsync(Request(bearer: Token(issuer: "https://login.microsoftonline.com/99999999-2222-3333-4444-555555555555/v2.0"))));
        Assert.False(await policy.IsAuthorizedAsync(Request(bearer: Token(audience: "api://someone-else"))));
        Assert.False(await policy.IsAuthorizedAsync(Request(bearer: Token(signer: strangerKey))));
        Assert.False(await policy.IsAuthorizedAsync(Request(bearer: Token(signer: strangerKey, keyId: "stranger"))));
        Assert.False(await policy.IsAuthorizedAsync(Request(bearer: Token(expires: DateTime.UtcNow.AddMinutes(-10)))));
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor { Issuer = Entra.Issuer, Audience = Audience, Expires = DateTime.UtcNow.AddHours(1) });
        Assert.False(await policy.IsAuthorizedAsync(Request(bearer: unsigned)));
        Assert.False(await policy.IsAuthorizedAsync(Request(bearer: "not-a-token")));
    }

    [Fact]
    public async Task Platform_principal_headers_are_not_trusted()
    {
        Assert.False(await Policy("s3cret-key", entra: true).IsAuthorizedAsync(Request(principalHeader: "00000000-0000-0000-0000-000000000001")));
    }

    [Fact]
    public async Task With_no_credential_configured_the_api_is_open()
    {
        var policy = Policy(null);

        Assert.True(policy.IsOpen);
        Assert.True(await policy.IsAuthorizedAsync(Request()));
        Assert.False(Policy(null, entra: true).IsOpen);
    }

    [Fact]
    public void Every_http_function_but_health_is_guarded_and_anonymous_at_the_host()
    {
        var functions = typeof(ApiAccessPolicy).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetParameters().Any(p => p.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false).Length > 0))
            .ToList();

        Assert.NotEmpty(functions);
        Assert.Equal(["Health"], functions.Where(AllowAnonymousAccessAttribute.IsOn).Select(m => m.Name));
    }
}
