using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests;

/// <summary>
/// The local host as a user runs it: orchestrations on Azurite, trace in PostgreSQL, artifacts in Blob,
/// driven through the HTTP API.
/// </summary>
public sealed class EndToEndTests(AzuriteLocalHostFixture host, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<AzuriteLocalHostFixture>
{
    private static readonly string[] TerminalStatuses = ["completed", "failed", "cancelled"];

    [Fact]
    public async Task The_sample_workflow_completes_and_its_status_follows_the_contract()
    {
        var runId = await host.StartRunAsync(await File.ReadAllTextAsync(RepositoryPaths.Of("samples", "workflows", "local-recon.json")));

        var summary = await host.WaitForEndAsync(runId);

        Assert.Equal(RunStatus.Completed, summary.Status);
        var status = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{runId}/status", UriKind.Relative));
        Assert.Equal(runId, status.GetProperty("runId").GetString());
        Assert.Equal("local-recon", status.GetProperty("workflowId").GetString());
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Contains(status.GetProperty("status").GetString(), TerminalStatuses);
        foreach (var timestamp in new[] { "createdAt", "startedAt", "updatedAt", "completedAt" })
        {
            Assert.Equal(JsonValueKind.String, status.GetProperty(timestamp).ValueKind);
        }

        Assert.False(status.TryGetProperty("failure", out _));
        var progress = status.GetProperty("progress");
        Assert.Equal(4, progress.GetProperty("nodesTotal").GetInt32());
        Assert.Equal(4, progress.GetProperty("nodesCompleted").GetInt32());
        Assert.Equal(0, progress.GetProperty("nodesFailed").GetInt32());
        Assert.Equal(0, progress.GetProperty("nodesRunning").GetInt32());
    }

    [Fact]
    public async Task The_trace_pages_by_cursor_with_ids_levels_and_a_gapless_sequence()
    {
        var runId = await host.StartRunAsync(await File.ReadAllTextAsync(RepositoryPaths.Of("samples", "workflows", "local-recon.json")));
        await host.WaitForEndAsync(runId);

        var first = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{runId}/trace?limit=5", UriKind.Relative));
        var events = first.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(5, events.Count);
        Assert.Equal(5, first.GetProperty("nextCursor").GetInt64());
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        foreach (var traceEvent in events)
        {
            Assert.False(string.IsNullOrEmpty(traceEvent.GetProperty("id").GetString()));
            Assert.Contains(traceEvent.GetProperty("level").GetString(), new[] { "debug", "info", "warn", "error" });
        }

        Assert.Equal("WORKFLOW_STATUS", events[0].GetProperty("type").GetString());
        Assert.Equal("running", events[0].GetProperty("status").GetString());

        var trace = await host.GetTraceAsync(runId);
        Assert.Equal(Enumerable.Range(1, trace.Count).Select(i => (long)i), trace.Select(e => e.Sequence));
        Assert.Equal(trace.Count, trace.Select(e => e.Id).Distinct().Count());
        Assert.Equal((TraceEventType.WorkflowStatus, RunStatus.Completed), (trace[^1].Type, trace[^1].Status));
        Assert.Contains(trace, e => e is { NodeId: "scan", Type: TraceEventType.NodeProgress, Progress.Total: > 0 });

        var rest = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{runId}/trace?after={trace.Count}", UriKind.Relative));
        Assert.Empty(rest.GetProperty("events").EnumerateArray());
        Assert.False(rest.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task The_report_artifact_downloads_with_the_sha256_its_event_names()
    {
        var runId = await host.StartRunAsync(await File.ReadAllTextAsync(RepositoryPaths.Of("samples", "workflows", "local-recon.json")));
        await host.WaitForEndAsync(runId);
        var trace = await host.GetTraceAsync(runId);
        var artifacts = trace.Where(e => e.Type == TraceEventType.NodeArtifact && e.NodeId == "report").Select(e => e.Artifact!).ToList();
        Assert.Equal(["report.md", "report.json"], artifacts.Select(a => a.Name));
        // What the sample costs on this machine (reported, not asserted: speed belongs in bench/).
        output.WriteLine($"sample run: {trace.Count} events; " + string.Join("; ", trace.Where(e => e.Type == TraceEventType.NodeCompleted).Select(e => $"{e.NodeId}: {e.Message}")));

        foreach (var artifact in artifacts)
        {
            using var response = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/artifacts/{artifact.ArtifactId}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(artifact.ContentType, response.Content.Headers.ContentType!.MediaType);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(artifact.Size, bytes.Length);
            Assert.Equal(artifact.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            // RFC 9530: the digest of the bytes sent, base64 between colons.
            Assert.Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(bytes))}:", Assert.Single(response.Headers.GetValues("Repr-Digest")));
        }

        var markdown = await host.Http.GetStringAsync(new Uri($"api/workflows/runs/{runId}/artifacts/{artifacts[0].ArtifactId}", UriKind.Relative));
        Assert.Contains("# Local recon", markdown, StringComparison.Ordinal);
        // The report lists the findings the scan and probe reported (the local host's own port answers HTTP at least).
        Assert.Contains("## Reported findings", markdown, StringComparison.Ordinal);
        Assert.Contains("network.open-port", markdown, StringComparison.Ordinal);
        Assert.Contains(trace, e => e.Type == TraceEventType.NodeFinding && e.NodeId == "scan");
    }

    [Fact]
    public async Task An_artifact_link_from_the_api_downloads_without_the_key_and_expires_when_it_says()
    {
        var runId = await host.StartRunAsync(await File.ReadAllTextAsync(RepositoryPaths.Of("samples", "workflows", "local-recon.json")));
        await host.WaitForEndAsync(runId);
        var artifact = (await host.GetTraceAsync(runId)).First(e => e is { Type: TraceEventType.NodeArtifact, Artifact.Name: "report.md" }).Artifact!;

        var asked = DateTimeOffset.UtcNow;
        using var response = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/artifacts/{artifact.ArtifactId}/link", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var link = await response.Content.ReadFromJsonAsync<JsonElement>();
        var url = new Uri(link.GetProperty("url").GetString()!);
        var expiresAt = link.GetProperty("expiresAt").GetDateTimeOffset();

        // 15 minutes, in whole seconds, and exactly the expiry signed into the SAS (its `se` parameter), which storage enforces.
        Assert.InRange(expiresAt, asked.AddMinutes(15).AddSeconds(-2), DateTimeOffset.UtcNow.AddMinutes(15));
        var signed = System.Web.HttpUtility.ParseQueryString(url.Query)["se"];
        Assert.Equal(expiresAt, DateTimeOffset.Parse(signed!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("r", System.Web.HttpUtility.ParseQueryString(url.Query)["sp"]);

        // Straight from storage, without the API key.
        using var anonymous = new HttpClient();
        var bytes = await anonymous.GetByteArrayAsync(url);
        Assert.Equal(artifact.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));

        // Not a link for an artifact of another run.
        var otherRun = await host.StartRunAsync("""{ "id": "link-other", "name": "o", "nodes": [ { "id": "one", "component": "core.log", "inputs": { "message": "hi" } } ] }""");
        using var foreign = await host.Http.GetAsync(new Uri($"api/workflows/runs/{otherRun}/artifacts/{artifact.ArtifactId}/link", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task An_artifact_id_of_another_run_is_not_found()
    {
        var runId = await host.StartRunAsync(await File.ReadAllTextAsync(RepositoryPaths.Of("samples", "workflows", "local-recon.json")));
        await host.WaitForEndAsync(runId);
        var artifactId = (await host.GetTraceAsync(runId)).First(e => e.Type == TraceEventType.NodeArtifact).Artifact!.ArtifactId;
        var otherRun = await host.StartRunAsync("""{ "id": "other", "name": "other", "nodes": [ { "id": "one", "component": "core.log", "inputs": { "message": "hi" } } ] }""");

        using var response = await host.Http.GetAsync(new Uri($"api/workflows/runs/{otherRun}/artifacts/{artifactId}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Process_output_lines_arrive_while_the_node_is_still_running()
    {
        var runId = await host.StartRunAsync("""
            { "id": "streaming", "name": "streaming", "nodes": [
              { "id": "tool", "component": "core.exec",
                "inputs": { "command": "bash", "args": ["-c", "echo first line; sleep 4; echo second line"] } } ] }
            """);

        // Seen through the API before the process has even printed its second line.
        var early = await host.WaitForTraceAsync(runId, trace => trace.Any(e => e is { NodeId: "tool", Type: TraceEventType.NodeLog, Message: "first line" }));
        Assert.DoesNotContain(early, e => e.NodeId == "tool" && e.Type == TraceEventType.NodeCompleted);
        Assert.DoesNotContain(early, e => e.Message == "second line");

        await host.WaitForEndAsync(runId);
        var trace = await host.GetTraceAsync(runId);
        var completed = trace.Single(e => e is { NodeId: "tool", Type: TraceEventType.NodeCompleted }).Sequence;
        Assert.All(trace.Where(e => e is { NodeId: "tool", Type: TraceEventType.NodeLog }), log => Assert.True(log.Sequence < completed));
        Assert.Contains(trace, e => e.Message == "second line");
    }

    [Fact]
    public async Task Unknown_runs_and_bad_parameters_are_problem_details_naming_the_field()
    {
        using var missing = await host.Http.GetAsync(new Uri("api/workflows/runs/no-such-run/status", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var problem = await missing.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("runId", problem.GetProperty("errors")[0].GetProperty("field").GetString());

        var runId = await host.StartRunAsync("""{ "id": "tiny", "name": "tiny", "nodes": [ { "id": "one", "component": "core.log", "inputs": { "message": "hi" } } ] }""");
        using var badLimit = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/trace?limit=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal("?limit", (await badLimit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());

        using var noWorkflow = await host.Http.PostAsync(new Uri("api/workflows/unregistered/runs", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, noWorkflow.StatusCode);
    }

    [Fact]
    public async Task Runs_are_listed_newest_first_and_filtered_by_workflow()
    {
        var first = await host.StartRunAsync("""{ "id": "listed", "name": "listed", "nodes": [ { "id": "one", "component": "core.log", "inputs": { "message": "1" } } ] }""");
        var second = await host.StartRunAsync("""{ "id": "listed", "name": "listed", "nodes": [ { "id": "one", "component": "core.log", "inputs": { "message": "2" } } ] }""");

        var list = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/runs?workflowId=listed", UriKind.Relative));
        var runs = list.GetProperty("runs").Deserialize<List<RunSummary>>(ShipSecJson.Options)!;

        Assert.Equal([second, first], runs.Select(r => r.RunId));
        Assert.All(runs, r => Assert.Equal("listed", r.WorkflowId));
    }
}
