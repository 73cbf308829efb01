using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests;

/// <summary>Registering workflows: every problem of a bad document comes back at once, naming its field or node.</summary>
public sealed class WorkflowApiTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> PostAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(), response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_valid_workflow_is_stored_as_the_next_version()
    {
        const string Json = """{ "id": "versioned", "name": "v", "nodes": [ { "id": "a", "component": "core.log", "inputs": { "message": "x" } } ] }""";

        var first = await PostAsync(Json);
        var second = await PostAsync(Json);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(1, first.Body.GetProperty("version").GetInt32());
        Assert.Equal(2, second.Body.GetProperty("version").GetInt32());
        var stored = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/versioned", UriKind.Relative));
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Malformed_json_is_a_problem_at_the_root()
    {
        var (status, body, contentType) = await PostAsync("{ \"id\": ");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("malformed-json", body.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Every_problem_is_reported_at_once_with_its_field_and_node()
    {
        var (status, body, _) = await PostAsync("""
            { "id": "bad", "name": "bad", "nodes": [
              { "id": "a", "component": "core.log", "inputs": { "message": "x" }, "dependsOn": ["c"] },
              { "id": "b", "component": "no.such.component" },
              { "id": "c", "component": "core.log", "inputs": { "message": { "$ref": "a.count" } } },
              { "id": "d", "component": "core.report", "inputs": { "findings": { "$ref": "ghost.out" } } },
              { "id": "e", "component": "core.log" },
              { "id": "a", "component": "core.log", "inputs": { "message": "dup" } }
            ] }
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        var codes = errors.Select(e => e.GetProperty("code").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "cycle", "unknown-component", "missing-input", "unknown-node", "duplicate-node-id" }, codes);
        var cycle = errors.Single(e => e.GetProperty("code").GetString() == "cycle");
        Assert.Equal(["a", "c"], cycle.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).Order());
        var unknown = errors.Single(e => e.GetProperty("code").GetString() == "unknown-component");
        Assert.Equal("b", unknown.GetProperty("nodeId").GetString());
        Assert.Equal("/nodes/1/component", unknown.GetProperty("field").GetString());
        Assert.Contains(errors, e => e.GetProperty("code").GetString() == "missing-input" && e.GetProperty("nodeId").GetString() == "e");
    }
}
