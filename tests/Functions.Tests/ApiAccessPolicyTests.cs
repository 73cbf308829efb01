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

/// <summary>The one access rule both hosts apply: keys with roles, Entra ID tokens the app validates itself, no state change from another site.</summary>
public sealed class ApiAccessPolicyTests : IDisposable
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string Audience = "api://shipsec-test";
    private static readonly EntraOptions Entra = new() { TenantId = Tenant, Audience = Audience };

    // The tenant's signing key, published to the validator as a static key set; and a key nobody published.
    private readonly RSA tenantKey = RSA.Create(2048);
    private readonly RSA strangerKey = RSA.Create(2048);

    private const string AdminKey = "admin-key-0123456789";
    private const string OperatorKey = "operator-key-0123456789";
    private const string ViewerKey = "viewer-key-0123456789";

    private static ApiRoute Route(string function) => ApiRoutes.ForFunction(function)!;

    public void Dispose()
    {
        tenantKey.Dispose();
        strangerKey.Dispose();
    }

    private ApiAccessPolicy Policy(bool withKeys = true, bool entra = false)
    {
        var access = new AccessOptions { ApiKey = withKeys ? AdminKey : null, PlatformRole = ApiRole.Viewer };
        if (withKeys)
        {
            access.Keys.Add(new ApiKeyOptions { Name = "ci", Key = OperatorKey, Role = ApiRole.Operator });
            access.Keys.Add(new ApiKeyOptions { Name = "wallboard", Key = ViewerKey, Role = ApiRole.Viewer });
        }

        var options = Options.Create(access);
        var tokens = entra
            ? new EntraTokenValidator(Entra, new StaticConfigurationManager<OpenIdConnectConfiguration>(Configuration()))
            : new EntraTokenValidator(new EntraOptions(), null);
        return new ApiAccessPolicy([new ApiKeyValidator(options), new EntraPrincipalValidator(tokens, options)], new PublicUrls(Options.Create(new ApiOptions())));
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

    private static (string, string) Bearer(string token) => ("Authorization", $"Bearer {token}");

    private static HttpRequest Request(string? header = null, string? query = null, string? cookie = null, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1", 7071);
        if (header is not null)
        {
            context.Request.Headers[ApiKeyValidator.HeaderName] = header;
        }

        if (query is not null)
        {
            context.Request.QueryString = new QueryString($"?code={query}");
        }

        if (cookie is not null)
        {
            context.Request.Headers.Cookie = $"{ApiKeyValidator.CookieName}={cookie}";
        }

        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }

    private static async Task<int?> StatusAsync(ApiAccessPolicy policy, HttpRequest request, string function)
        => (await policy.AuthorizeAsync(request, Route(function))).Problem?.StatusCode;

    [Fact]
    public async Task A_key_in_the_header_or_the_code_parameter_is_accepted_and_anything_else_refused()
    {
        var policy = Policy();

        Assert.Null(await StatusAsync(policy, Request(header: ViewerKey), "ListRuns"));
        Assert.Null(await StatusAsync(policy, Request(query: ViewerKey), "ListRuns"));
        Assert.Equal(401, await StatusAsync(policy, Request(), "ListRuns"));
        Assert.Equal(401, await StatusAsync(policy, Request(header: ViewerKey + "x"), "ListRuns"));
    }

    [Fact]
    public async Task Each_role_reaches_only_its_routes_and_the_trace_name_is_the_keys_name()
    {
        var policy = Policy();

        Assert.Equal(403, await StatusAsync(policy, Request(header: ViewerKey), "StartRun"));
        Assert.Equal(403, await StatusAsync(policy, Request(header: ViewerKey), "CancelRun"));
        Assert.Equal(403, await StatusAsync(policy, Request(header: OperatorKey), "CreateWorkflow"));
        Assert.Null(await StatusAsync(policy, Request(header: OperatorKey), "StartRun"));
        Assert.Null(await StatusAsync(policy, Request(header: AdminKey), "CreateWorkflow"));

        var (principal, _) = await policy.AuthorizeAsync(Request(header: OperatorKey), Route("StartRun"));
        Assert.Equal("ci", principal!.Name);
        Assert.Equal("default", (await policy.AuthorizeAsync(Request(header: AdminKey), Route("StartRun"))).Principal!.Name);
    }

    [Fact]
    public async Task A_cookie_changes_state_only_with_the_dashboards_same_origin_proof()
    {
        var policy = Policy();

        // What a form on another port of 127.0.0.1 makes the browser send: same-site, but not same-origin.
        Assert.Equal(403, await StatusAsync(policy, Request(cookie: AdminKey, headers: [("Sec-Fetch-Site", "same-site"), ("Origin", "http://127.0.0.1:8080")]), "CreateWorkflow"));
        Assert.Equal(403, await StatusAsync(policy, Request(cookie: AdminKey, headers: [("Origin", "http://127.0.0.1:8080")]), "StartRun"));

        // Same origin but no custom header (a form or a simple request of an injected page): refused.
        Assert.Equal(403, await StatusAsync(policy, Request(cookie: AdminKey, headers: [("Sec-Fetch-Site", "same-origin"), ("Origin", "http://127.0.0.1:7071")]), "StartRun"));

        // The dashboard: same origin with its header.
        Assert.Null(await StatusAsync(policy, Request(cookie: AdminKey, headers: [("Sec-Fetch-Site", "same-origin"), ("Origin", "http://127.0.0.1:7071"), (ApiAccessPolicy.AntiForgeryHeader, "dashboard")]), "StartRun"));

        // Reading with the cookie needs no proof: a cross-origin page cannot read the answer.
        Assert.Null(await StatusAsync(policy, Request(cookie: AdminKey), "ListRuns"));
    }

    [Fact]
    public async Task A_cross_site_browser_request_cannot_change_state_even_on_an_open_api()
    {
        var policy = Policy(withKeys: false);

        Assert.True(policy.IsOpen);
        Assert.Equal(403, await StatusAsync(policy, Request(headers: [("Sec-Fetch-Site", "cross-site")]), "StartRun"));
        Assert.Equal(403, await StatusAsync(policy, Request(headers: [("Origin", "http://evil.example")]), "CreateWorkflow"));
        Assert.Null(await StatusAsync(policy, Request(), "StartRun"));
    }

    [Fact]
    public async Task A_valid_entra_token_gets_the_configured_role_and_names_its_caller()
    {
        var policy = Policy(entra: true);

        Assert.Null(await StatusAsync(policy, Request(headers: [Bearer(Token())]), "ListRuns"));
        Assert.Equal(403, await StatusAsync(policy, Request(headers: [Bearer(Token())]), "StartRun"));
        var (principal, _) = await policy.AuthorizeAsync(Request(headers: [Bearer(Token())]), Route("ListRuns"));
        Assert.Equal("ops@example.test (00000000-0000-0000-0000-0000000000aa)", principal!.Name);
    }

    [Fact]
    public async Task Tokens_with_a_wrong_issuer_audience_signature_or_lifetime_and_platform_headers_are_refused()
    {
        var policy = Policy(entra: true);
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor { Issuer = Entra.Issuer, Audience = Audience, Expires = DateTime.UtcNow.AddHours(1) });
        string[] refused =
        [
            Token(issuer: "https://login.microsoftonline.com/99999999-2222-3333-4444-555555555555/v2.0"),
            Token(audience: "api://someone-else"),
            Token(signer: strangerKey),
            Token(signer: strangerKey, keyId: "stranger"),
            Token(expires: DateTime.UtcNow.AddMinutes(-10)),
            unsigned,
            "not-a-token",
        ];

        foreach (var token in refused)
        {
            Assert.Equal(401, await StatusAsync(policy, Request(headers: [Bearer(token)]), "ListRuns"));
        }

        Assert.Equal(401, await StatusAsync(policy, Request(headers: [("X-MS-CLIENT-PRINCIPAL-ID", "00000000-0000-0000-0000-000000000001")]), "ListRuns"));
        Assert.Equal(401, await StatusAsync(Policy(entra: false), Request(headers: [Bearer(Token())]), "ListRuns"));
    }

    [Fact]
    public void The_table_lists_each_function_once_and_only_health_is_open()
    {
        Assert.Equal(ApiRoutes.Table.Count, ApiRoutes.Table.Select(r => r.Function).Distinct().Count());
        Assert.Equal(ApiRoutes.Table.Count, ApiRoutes.Table.Select(r => (r.Method, r.Template)).Distinct().Count());
        Assert.Equal(["Health"], ApiRoutes.Table.Where(r => r.Access == ApiRole.Anyone).Select(r => r.Function));
        Assert.All(ApiRoutes.Table.Where(r => r.ChangesState && r.Function is not ("Negotiate" or "SubscribeRun" or "UnsubscribeRun" or "SubscribeRuns")),
            r => Assert.True(r.Access >= ApiRole.Operator, $"{r.Function} changes state but is open to viewers."));
    }

    [Fact]
    public void Keys_need_a_name_a_long_secret_and_a_role()
    {
        var options = new AccessOptions();
        options.Keys.Add(new ApiKeyOptions { Name = "", Key = "short", Role = ApiRole.Anyone });
        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage).ToList();

        Assert.Contains(results, m => m!.Contains("needs a Name", StringComparison.Ordinal));
        Assert.Contains(results, m => m!.Contains("at least 16 characters", StringComparison.Ordinal));
        Assert.Contains(results, m => m!.Contains("needs a Role", StringComparison.Ordinal));
    }
}
