using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Functions.Http;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests;

/// <summary>
/// The HTTP surface a hostile page or a careless key holder meets: roles, the cookie that must not be enough,
/// Host, the route table the local host serves.
/// </summary>
public sealed class HttpSurfaceTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private const string SleepWorkflow = """{ "id": "surface-sleep", "name": "sleep", "nodes": [ { "id": "wait", "component": "core.sleep", "inputs": { "milliseconds": 60000 } } ] }""";

    private HttpClient Client(string? key = null, CookieContainer? cookies = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(ApiKeyValidator.HeaderName, key);
        }

        return client;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task RegisterAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var created = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task The_local_host_serves_exactly_the_route_table()
    {
        var served = host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<ApiRoute>())
            .OfType<ApiRoute>()
            .ToList();

        Assert.Equal(ApiRoutes.Table.Select(r => r.Function).Order(StringComparer.Ordinal), served.Select(r => r.Function).Order(StringComparer.Ordinal));
        foreach (var endpoint in host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<ApiRoute>() is { } row)
            {
                Assert.Equal(row.Pattern, "/" + endpoint.RoutePattern.RawText!.TrimStart('/'));
                Assert.Equal([row.Method], endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods);
            }
        }
    }

    [Fact]
    public async Task A_viewer_key_reads_but_cannot_register_start_or_cancel()
    {
        await RegisterAsync(SleepWorkflow);
        using var viewer = Client(host.ViewerKey);

        using var list = await viewer.GetAsync(new Uri("api/workflows/runs", UriKind.Relative));
        using var start = await viewer.PostAsync(new Uri("api/workflows/surface-sleep/runs", UriKind.Relative), null);
        using var content = new StringContent(SleepWorkflow, Encoding.UTF8, "application/json");
        using var register = await viewer.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        using var cancel = await viewer.PostAsync(new Uri("api/workflows/runs/any/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        Assert.Contains("operator", (await ProblemAsync(start)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, register.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
        var runs = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/runs?workflowId=surface-sleep", UriKind.Relative));
        Assert.Equal(0, runs.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task The_trace_names_the_key_that_started_and_the_key_that_cancelled_never_the_secret()
    {
        await RegisterAsync(SleepWorkflow);
        using var operatorClient = Client(host.OperatorKey);
        using var started = await operatorClient.PostAsync(new Uri("api/workflows/surface-sleep/runs", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        await host.WaitForTraceAsync(runId, t => t.Any(e => e.Type == TraceEventType.NodeStarted));

        using var cancelled = await host.Http.PostAsync(new Uri($"api/workflows/runs/{runId}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        await host.WaitForEndAsync(runId);

        var trace = await host.GetTraceAsync(runId);
        Assert.Contains(trace, e => e is { Type: TraceEventType.WorkflowStatus, Status: RunStatus.Running } && e.Message!.Contains(IsolatedLocalHost.OperatorKeyName, StringComparison.Ordinal));
        Assert.Contains(trace, e => e is { Type: TraceEventType.WorkflowStatus, Status: RunStatus.Cancelled } && e.Message!.Contains($"'{AccessOptions.DefaultKeyName}'", StringComparison.Ordinal));
        var json = await host.Http.GetStringAsync(new Uri($"api/workflows/runs/{runId}/trace?limit=1000", UriKind.Relative));
        Assert.DoesNotContain(host.OperatorKey, json, StringComparison.Ordinal);
        Assert.DoesNotContain(host.ApiKey, json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cross_origin_text_plain_post_with_the_key_cookie_registers_and_starts_nothing()
    {
        // The dashboard user's browser holds the key cookie...
        var cookies = new CookieContainer();
        using var browser = Client(cookies: cookies);
        using var link = await browser.GetAsync(new Uri($"?key={host.ApiKey}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        await RegisterAsync(SleepWorkflow.Replace("surface-sleep", "csrf-target", StringComparison.Ordinal));

        // ...and a page on another port of 127.0.0.1 (same site, other origin) posts a form to the API.
        var evil = $"http://127.0.0.1:{host.BaseAddress.Port + 1}";
        const string Workflow = """{ "id": "csrf-exec", "name": "x", "nodes": [ { "id": "a", "component": "core.log", "inputs": { "message": "pwned" } } ] }""";
        using var register = new HttpRequestMessage(HttpMethod.Post, "api/workflows") { Content = new StringContent(Workflow, Encoding.UTF8, "text/plain") };
        register.Headers.Add("Origin", evil);
        register.Headers.Add("Sec-Fetch-Site", "same-site");
        using var start = new HttpRequestMessage(HttpMethod.Post, "api/workflows/csrf-target/runs") { Content = new StringContent("", Encoding.UTF8, "text/plain") };
        start.Headers.Add("Origin", evil);
        start.Headers.Add("Sec-Fetch-Site", "same-site");

        using var registered = await browser.SendAsync(register);
        using var startedRun = await browser.SendAsync(start);

        Assert.Equal(HttpStatusCode.Forbidden, registered.StatusCode);
        Assert.Equal("urn:shipsec:problem:cross-site-request", (await ProblemAsync(registered)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, startedRun.StatusCode);
        using var stored = await host.Http.GetAsync(new Uri("api/workflows/csrf-exec", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
        var runs = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/runs?workflowId=csrf-target", UriKind.Relative));
        Assert.Equal(0, runs.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task The_cookie_changes_state_only_with_the_dashboards_proof_and_json_endpoints_take_only_json()
    {
        var cookies = new CookieContainer();
        using var browser = Client(cookies: cookies);
        using var link = await browser.GetAsync(new Uri($"?key={host.ApiKey}", UriKind.Relative));
        var origin = host.BaseAddress.GetLeftPart(UriPartial.Authority);

        // Same origin, but a simple request an injected form could make: no custom header.
        using var bare = new HttpRequestMessage(HttpMethod.Post, "api/negotiate");
        bare.Headers.Add("Origin", origin);
        bare.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var refused = await browser.SendAsync(bare);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(ApiAccessPolicy.AntiForgeryHeader, (await ProblemAsync(refused)).GetProperty("errors")[0].GetProperty("field").GetString());

        // What the dashboard sends.
        using var dashboard = new HttpRequestMessage(HttpMethod.Post, "api/negotiate");
        dashboard.Headers.Add("Origin", origin);
        dashboard.Headers.Add("Sec-Fetch-Site", "same-origin");
        dashboard.Headers.Add(ApiAccessPolicy.AntiForgeryHeader, "dashboard");
        using var accepted = await browser.SendAsync(dashboard);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        // A text/plain body to a JSON endpoint, even with the key in the header.
        using var text = new StringContent("""{"runIds":["a"]}""", Encoding.UTF8, "text/plain");
        using var unsupported = await host.Http.PostAsync(new Uri("api/negotiate", UriKind.Relative), text);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        Assert.Equal("Content-Type", (await ProblemAsync(unsupported)).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:7071")]
    [InlineData("127.0.0.1.evil.example")]
    public async Task A_forged_host_is_refused_with_a_problem_and_no_url_follows_it(string forged)
    {
        foreach (var path in new[] { "api/health", "api/workflows/runs", "" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = forged;

            using var response = await host.Http.SendAsync(request);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await ProblemAsync(response);
            Assert.Equal("Host", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Generated_urls_use_the_host_the_client_reached()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/negotiate");
        request.Headers.Host = $"localhost:{host.BaseAddress.Port}";

        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith($"http://localhost:{host.BaseAddress.Port}/", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString(), StringComparison.Ordinal);
    }
}
