using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.RunControl;

/// <summary>An Idempotency-Key on start and re-run: a repeated request finds the run the first one started.</summary>
public sealed class IdempotencyTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    [Fact]
    public async Task The_same_key_and_request_again_answers_200_with_the_first_run_and_starts_nothing()
    {
        await RegisterAsync("idem-seq");
        var key = NewKey();

        var first = await PostAsync("api/workflows/idem-seq/runs", key);
        var second = await PostAsync("api/workflows/idem-seq/runs", key);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(RunId(first), RunId(second));
        Assert.Single(await RunsOfAsync("idem-seq"));
    }

    [Fact]
    public async Task The_same_key_with_a_different_request_is_a_422_naming_the_header()
    {
        await RegisterAsync("idem-a");
        await RegisterAsync("idem-b");
        var key = NewKey();

        var first = await PostAsync("api/workflows/idem-a/runs", key);
        var other = await PostAsync("api/workflows/idem-b/runs", key);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Equal("Idempotency-Key", other.Body.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Empty(await RunsOfAsync("idem-b"));
    }

    [Fact]
    public async Task Ten_concurrent_duplicates_start_one_run()
    {
        await RegisterAsync("idem-concurrent");
        var key = NewKey();

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync("api/workflows/idem-concurrent/runs", key)));

        Assert.Single(answers, a => a.Status == HttpStatusCode.Accepted);
        Assert.Equal(9, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Single(answers.Select(RunId).Distinct());
        Assert.Single(await RunsOfAsync("idem-concurrent"));
    }

    [Fact]
    public async Task A_rerun_with_a_key_starts_one_child_and_a_different_body_is_refused()
    {
        await RegisterAsync("idem-rerun");
        var parent = RunId(await PostAsync("api/workflows/idem-rerun/runs", null));
        await host.WaitForEndAsync(parent);
        var key = NewKey();

        var first = await PostAsync($"api/workflows/runs/{parent}/rerun", key, """{ "fromNode": "only" }""");
        var again = await PostAsync($"api/workflows/runs/{parent}/rerun", key, """{"fromNode":"only"}""");
        var different = await PostAsync($"api/workflows/runs/{parent}/rerun", key);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(RunId(first), RunId(again));
        Assert.Equal(parent, again.Body.GetProperty("parentRunId").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.Status);
        Assert.Equal(2, (await RunsOfAsync("idem-rerun")).Count);
    }

    [Fact]
    public async Task A_start_that_was_refused_gives_its_key_up()
    {
        var key = NewKey();

        var missing = await PostAsync("api/workflows/idem-late/runs", key);
        await RegisterAsync("idem-late");
        var started = await PostAsync("api/workflows/idem-late/runs", key);

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(HttpStatusCode.Accepted, started.Status);
    }

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static string RunId((HttpStatusCode Status, JsonElement Body) answer) => answer.Body.GetProperty("runId").GetString()!;

    private async Task RegisterAsync(string workflowId)
    {
        using var content = new StringContent($$"""{ "id": "{{workflowId}}", "name": "n", "nodes": [ { "id": "only", "component": "core.log", "inputs": { "message": "x" } } ] }""", Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string? key, string? json = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            message.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            message.Headers.Add("Idempotency-Key", key);
        }

        using var response = await host.Http.SendAsync(message);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(ShipSecJson.Options));
    }

    private async Task<List<JsonElement>> RunsOfAsync(string workflowId)
        => [.. (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs?workflowId={workflowId}", UriKind.Relative))).GetProperty("runs").EnumerateArray()];
}
