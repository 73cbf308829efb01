using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ShipSec.Functions.Http;

namespace ShipSec.Functions.Tests;

/// <summary>The one access rule both hosts apply: the API key, or an Entra ID principal only where the platform vouches for it.</summary>
public sealed class ApiAccessPolicyTests
{
    private static ApiAccessPolicy Policy(string? key, bool trustPlatform = false)
        => new(Options.Create(new AccessOptions { ApiKey = key, TrustPlatformAuthentication = trustPlatform }));

    private static HttpRequest Request(string? header = null, string? query = null, string? principal = null)
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

        if (principal is not null)
        {
            context.Request.Headers[ApiAccessPolicy.PlatformPrincipalHeader] = principal;
        }

        return context.Request;
    }

    [Fact]
    public void The_key_in_the_header_or_the_code_parameter_is_accepted_and_anything_else_refused()
    {
        var policy = Policy("s3cret-key");

        Assert.True(policy.IsAuthorized(Request(header: "s3cret-key")));
        Assert.True(policy.IsAuthorized(Request(query: "s3cret-key")));
        Assert.False(policy.IsAuthorized(Request()));
        Assert.False(policy.IsAuthorized(Request(header: "s3cret-kez")));
    }

    [Fact]
    public void An_entra_principal_counts_only_behind_app_service_authentication()
    {
        Assert.True(Policy("s3cret-key", trustPlatform: true).IsAuthorized(Request(principal: "00000000-0000-0000-0000-000000000001")));
        Assert.False(Policy("s3cret-key", trustPlatform: false).IsAuthorized(Request(principal: "forged")));
        Assert.False(Policy(null, trustPlatform: true).IsAuthorized(Request()));
    }

    [Fact]
    public void With_no_credential_configured_the_api_is_open()
    {
        var policy = Policy(null);

        Assert.True(policy.IsOpen);
        Assert.True(policy.IsAuthorized(Request()));
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
