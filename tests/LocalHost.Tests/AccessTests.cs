using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests;

/// <summary>The local host answers only callers that present its API key, as the Functions host demands function keys.</summary>
public sealed class AccessTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private HttpClient Anonymous(CookieContainer? cookies = null)
        => new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };

    [Theory]
    [InlineData("api/workflows/runs")]
    [InlineData("api/workflows/runs/any/status")]
    [InlineData("api/workflows/local-recon")]
    public async Task Without_the_key_every_api_function_answers_401_naming_the_header(string path)
    {
        using var client = Anonymous();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("x-functions-key", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_health_stays_open()
    {
        using var client = Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", host.ApiKey + "x");

        using var refused = await client.PostAsync(new Uri("api/workflows/anything/runs", UriKind.Relative), null);
        using var health = await client.GetAsync(new Uri("api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task The_key_works_as_code_query_parameter_and_as_the_dashboard_cookie()
    {
        using var byQuery = Anonymous();
        using var query = await byQuery.GetAsync(new Uri($"api/workflows/runs?code={host.ApiKey}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);

        var cookies = new CookieContainer();
        using var browser = Anonymous(cookies);
        using var link = await browser.GetAsync(new Uri($"?key={host.ApiKey}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        Assert.DoesNotContain(host.ApiKey, link.Headers.Location!.ToString(), StringComparison.Ordinal);
        // Out of reach of the page's scripts and never sent by another site's requests.
        var setCookie = Assert.Single(link.Headers.GetValues("Set-Cookie"));
        var attributes = setCookie.Split(';', StringSplitOptions.TrimEntries);
        Assert.Equal($"shipsec-key={host.ApiKey}", attributes[0]);
        Assert.Contains("httponly", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("path=/", attributes, StringComparer.OrdinalIgnoreCase);
        using var withCookie = await browser.GetAsync(new Uri("api/workflows/runs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, withCookie.StatusCode);

        using var badLink = await Anonymous().GetAsync(new Uri("?key=guess", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, badLink.StatusCode);
    }

    [Fact]
    public async Task A_forged_platform_principal_header_does_not_open_the_local_host()
    {
        using var client = Anonymous();
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-ID", "00000000-0000-0000-0000-000000000001");

        using var response = await client.GetAsync(new Uri("api/workflows/runs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
