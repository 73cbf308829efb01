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
}
