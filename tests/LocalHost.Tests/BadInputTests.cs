using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests;

/// <summary>Hostile or careless input: answered with a 4xx problem or stored safely, never a 500, nothing stored half.</summary>
public sealed class BadInputTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_naming_the_body()
    {
        var huge = "{\"id\":\"big\",\"name\":\"" + new string('x', 10 * 1024 * 1024) + "\",\"nodes\":[]}";
        using var content = new StringContent(huge, Encoding.UTF8, "application/json");

        using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("body", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        using var stored = await host.Http.GetAsync(new Uri("api/workflows/big", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task Sql_metacharacters_are_stored_and_returned_verbatim()
    {
        const string Hostile = "Robert'); DROP TABLE runs; -- \" \\ %_ $1";
        var workflow = JsonSerializer.Serialize(new
        {
            id = "sql-meta",
            name = Hostile,
            nodes = new[] { new { id = "say", component = "core.log", inputs = new { message = Hostile } } },
        });

        var runId = await host.StartRunAsync(workflow);
        var summary = await host.WaitForEndAsync(runId);

        Assert.Equal(RunStatus.Completed, summary.Status);
        var trace = await host.GetTraceAsync(runId);
        Assert.Contains(trace, e => e.Type == TraceEventType.NodeLog && e.Message == Hostile);
        var stored = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/sql-meta", UriKind.Relative));
        Assert.Equal(Hostile, stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Secret_inputs_are_masked_in_the_trace_and_the_api()
    {
        const string Token = "sk_live_7f3a9c1e5b";
        var workflow = JsonSerializer.Serialize(new
        {
            id = "secret-env",
            name = "secret",
            nodes = new[]
            {
                new
                {
                    id = "call",
                    component = "core.exec",
                    inputs = new
                    {
                        command = "bash",
                        args = new[] { "-c", "echo \"using token $API_TOKEN\"; echo \"bad token $API_TOKEN\" >&2; exit 3" },
                        environment = new { API_TOKEN = Token },
                    },
                },
            },
        });

        var runId = await host.StartRunAsync(workflow);
        await host.WaitForEndAsync(runId);

        var traceJson = await host.Http.GetStringAsync(new Uri($"api/workflows/runs/{runId}/trace?limit=1000", UriKind.Relative));
        Assert.DoesNotContain(Token, traceJson, StringComparison.Ordinal);
        var trace = await host.GetTraceAsync(runId);
        Assert.Contains(trace, e => e.Message == "using token ***");
        Assert.Contains(trace, e => e is { Level: TraceEventLevel.Warn, Message: "bad token ***" });
        var definition = await host.Http.GetStringAsync(new Uri("api/workflows/secret-env", UriKind.Relative));
        Assert.DoesNotContain(Token, definition, StringComparison.Ordinal);
        Assert.Contains("\"environment\":\"***\"", definition, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../../etc/passwd")]
    [InlineData("%2e%2e%2fsecrets")]
    [InlineData("report.1.1;DROP")]
    public async Task Artifact_ids_that_are_not_the_runs_are_not_found(string artifactId)
    {
        var runId = await host.StartRunAsync("""{ "id": "one-log", "name": "one", "nodes": [ { "id": "a", "component": "core.log", "inputs": { "message": "x" } } ] }""");
        await host.WaitForEndAsync(runId);

        using var response = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/artifacts/{Uri.EscapeDataString(artifactId)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_fields_and_deep_nesting_are_named_problems()
    {
        var deep = new StringBuilder("{\"id\":\"deep\",\"name\":\"d\",\"nodes\":[{\"id\":\"a\",\"component\":\"core.log\",\"inputs\":{\"message\":");
        deep.Append(string.Concat(Enumerable.Repeat("[", 200))).Append(string.Concat(Enumerable.Repeat("]", 200))).Append("}}]}");
        foreach (var (json, code) in new[]
        {
            ("""{ "id": "u", "name": "u", "nodes": [], "owner": "me" }""", "unknown-field"),
            (deep.ToString(), "malformed-json"),
        })
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("code").GetString() == code);
        }
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Theory]
    [InlineData("api/workflows/runs?workflowId=a%00b", "?workflowId")]
    [InlineData("api/workflows/runs?workflowId=a%FFb", "?workflowId")]
    [InlineData("api/workflows/runs?limit=1&x%00=1", "query")]
    [InlineData("api/workflows/runs/a%00b/status", "path")]
    [InlineData("api/workflows/runs/a%C3%28/trace", "runId")]
    [InlineData("api/workflows/a%FFb/versions/1", "workflowId")]
    [InlineData("api/workflows/a%00b/versions/1", "path")]
    [InlineData("api/workflows/runs/x/state?at=2026%00", "?at")]
    [InlineData("index%00.html", "path")]
    public async Task Nul_and_invalid_utf8_in_a_path_or_query_value_are_a_400_problem_naming_it(string path, string field)
    {
        using var response = await host.Http.GetAsync(new Uri(path, UriKind.Relative));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Errors_of_routing_and_the_server_have_problem_bodies_too()
    {
        using var notFound = await host.Http.GetAsync(new Uri("api/no/such/route", UriKind.Relative));
        using var wrongMethod = await host.Http.DeleteAsync(new Uri("api/workflows/runs", UriKind.Relative));
        using var tooLong = await host.Http.GetAsync(new Uri("api/workflows/runs?workflowId=" + new string('a', 9000), UriKind.Relative));
        using var hubWithoutToken = await host.Http.PostAsync(new Uri("hubs/runs/negotiate?negotiateVersion=1", UriKind.Relative), null);

        await ProblemAsync(notFound, HttpStatusCode.NotFound);
        await ProblemAsync(wrongMethod, HttpStatusCode.MethodNotAllowed);
        await ProblemAsync(tooLong, HttpStatusCode.RequestUriTooLong);
        await ProblemAsync(hubWithoutToken, HttpStatusCode.Unauthorized);

        // Kestrel's own refusals, before any middleware: headers over its limit, a request line over its limit.
        using var hugeHeader = new HttpRequestMessage(HttpMethod.Get, "api/health");
        hugeHeader.Headers.Add("X-Padding", new string('p', 100 * 1024));
        using var headersTooLarge = await host.Http.SendAsync(hugeHeader);
        await ProblemAsync(headersTooLarge, HttpStatusCode.RequestHeaderFieldsTooLarge);
        using var lineTooLong = await host.Http.GetAsync(new Uri("api/health?x=" + new string('a', 70 * 1024), UriKind.Relative));
        await ProblemAsync(lineTooLong, HttpStatusCode.RequestUriTooLong);
    }

    [Fact]
    public async Task A_text_plain_workflow_is_a_415_problem()
    {
        using var content = new StringContent("""{ "id": "plain", "name": "p", "nodes": [] }""", Encoding.UTF8, "text/plain");

        using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);

        var problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("Content-Type", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("api/negotiate", true)]
    [InlineData("api/negotiate", false)]
    [InlineData("api/workflows/runs/subscribe", true)]
    [InlineData("api/workflows/runs/r1/cancel", true)]
    public async Task An_oversize_control_body_is_a_413_problem_whether_or_not_its_length_is_announced(string path, bool announced)
    {
        var body = "{\"runIds\":[" + string.Join(',', Enumerable.Repeat("\"0123456789abcdef0123456789abcdef\"", 2000)) + "]}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        if (!announced)
        {
            // Chunked: the limit is met while reading, not from Content-Length.
            content.Headers.ContentLength = null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TransferEncodingChunked = !announced;
        using var response = await host.Http.SendAsync(request);

        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("body", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_body_to_an_endpoint_that_takes_none_is_refused()
    {
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/workflows/runs") { Content = content };

        using var response = await host.Http.SendAsync(request);

        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("core.sleep", """{ "milliseconds": -1 }""", "milliseconds")]
    [InlineData("core.sleep", """{ "milliseconds": 86400001 }""", "milliseconds")]
    [InlineData("security.port-scan", """{ "host": "127.0.0.1", "ports": "1-70000" }""", "ports")]
    [InlineData("security.port-scan", """{ "host": "127.0.0.1", "ports": "80", "concurrency": 0 }""", "concurrency")]
    [InlineData("security.http-probe", """{ "host": "127.0.0.1", "ports": [80, 65536] }""", "ports")]
    [InlineData("core.log", """{ "message": "m", "count": -5 }""", "count")]
    public async Task Registration_refuses_component_inputs_outside_their_declared_ranges(string component, string inputs, string input)
    {
        var json = $$"""{ "id": "ranges", "name": "r", "nodes": [ { "id": "first", "component": "core.log", "inputs": { "message": "ok" } }, { "id": "n", "component": "{{component}}", "inputs": {{inputs}} } ] }""";
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == $"/nodes/1/inputs/{input}");
    }
}
