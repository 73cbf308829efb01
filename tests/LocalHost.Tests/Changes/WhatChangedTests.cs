using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Changes;

/// <summary>
/// "What changed since the last scan", as a security engineer asks it: nmap scans listeners this test opens and
/// closes on loopback, and the baseline diff must name exactly the port that appeared or went away.
/// </summary>
public sealed class WhatChangedTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    [Fact]
    public async Task Two_runs_against_an_unchanged_target_are_identical_and_the_second_is_compared_with_the_first()
    {
        using var open = LoopbackPorts.Listen();
        var ports = $"{open.Port()},{LoopbackPorts.Free()}";
        await RegisterScanAsync("unchanged-target");

        var first = await RunToEndAsync("unchanged-target", ports);
        var second = await RunToEndAsync("unchanged-target", ports);

        var diff = await DiffAsync(first, second);
        Assert.True(diff.Identical, JsonSerializer.Serialize(diff, ShipSecJson.Options));
        Assert.All(diff.Nodes, node => Assert.Equal(NodeChange.Unchanged, node.Change));
        Assert.True(diff.Findings.IsEmpty);
        Assert.Equal(1, diff.Findings.UnchangedCount);

        Assert.Null((await host.GetStatusAsync(first)).Baseline);
        Assert.Equal(new RunBaseline(first, 0, 0), (await host.GetStatusAsync(second)).Baseline);
        var againstBaseline = await DiffAsync(second, "baseline");
        Assert.True(againstBaseline.Identical);
        Assert.Equal(new BaselineChoice(first, Pinned: false), againstBaseline.Baseline);
        Assert.Equal((first, second), (againstBaseline.RunId, againstBaseline.OtherRunId));

        // Other input values: no earlier run to compare with.
        var otherInputs = await RunToEndAsync("unchanged-target", open.Port().ToString(CultureInfo.InvariantCulture));
        Assert.Null((await host.GetStatusAsync(otherInputs)).Baseline);
        using var none = await host.Http.GetAsync(new Uri($"api/workflows/runs/{otherInputs}/diff/baseline", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        var problem = await none.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:shipsec:problem:baseline-not-found", problem.GetProperty("type").GetString());
        Assert.Equal(("runId", "no-baseline"), (problem.GetProperty("errors")[0].GetProperty("field").GetString(), problem.GetProperty("errors")[0].GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_port_opened_between_runs_is_new_against_the_baseline_and_resolved_once_closed()
    {
        using var always = LoopbackPorts.Listen();
        var appearing = LoopbackPorts.Free();
        var ports = $"{always.Port()},{appearing}";
        await RegisterScanAsync("port-appears");

        var before = await RunToEndAsync("port-appears", ports);
        string opened;
        using (LoopbackPorts.Listen(appearing))
        {
            opened = await RunToEndAsync("port-appears", ports);
        }

        var closed = await RunToEndAsync("port-appears", ports);

        var added = await DiffAsync(opened, "baseline");
        Assert.False(added.Identical);
        Assert.Equal(before, added.Baseline!.RunId);
        var newFinding = Assert.Single(added.Findings.Added);
        Assert.Equal(appearing, newFinding.Asset.Port);
        Assert.Empty(added.Findings.Resolved);
        Assert.Equal(new RunBaseline(before, 1, 0), (await host.GetStatusAsync(opened)).Baseline);

        var resolved = await DiffAsync(closed, "baseline");
        Assert.Equal(opened, resolved.Baseline!.RunId);
        Assert.Equal(newFinding.Fingerprint, Assert.Single(resolved.Findings.Resolved).Fingerprint);
        Assert.Empty(resolved.Findings.Added);
        Assert.Equal(new RunBaseline(opened, 0, 1), (await host.GetStatusAsync(closed)).Baseline);

        // The workflow's open findings: the port that never closed, first seen in the first run.
        var open = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/port-appears/findings", UriKind.Relative));
        Assert.Equal(closed, open.GetProperty("latestRunId").GetString());
        var finding = Assert.Single(open.GetProperty("findings").EnumerateArray());
        Assert.Equal(always.Port(), finding.GetProperty("asset").GetProperty("port").GetInt32());
        Assert.Equal(before, finding.GetProperty("firstSeenRunId").GetString());
        Assert.Equal(closed, finding.GetProperty("lastSeenRunId").GetString());

        // Pinned, the run with the extra port is every later run's baseline until unpinned.
        using (var pin = await SendAsync(HttpMethod.Put, "api/workflows/port-appears/baseline", new { runId = opened }))
        {
            Assert.Equal(HttpStatusCode.OK, pin.StatusCode);
        }

        var pinnedRun = await RunToEndAsync("port-appears", ports);
        Assert.Equal(new RunBaseline(opened, 0, 1), (await host.GetStatusAsync(pinnedRun)).Baseline);
        Assert.Equal(new BaselineChoice(opened, Pinned: true), (await DiffAsync(pinnedRun, "baseline")).Baseline);
        using (var unpin = await SendAsync(HttpMethod.Delete, "api/workflows/port-appears/baseline", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, unpin.StatusCode);
        }

        Assert.Equal(new RunBaseline(pinnedRun, 0, 0), (await host.GetStatusAsync(await RunToEndAsync("port-appears", ports))).Baseline);
    }

    [Fact]
    public async Task Pinning_a_run_of_another_workflow_is_refused_naming_the_run()
    {
        await RegisterScanAsync("pin-target");

        using var response = await SendAsync(HttpMethod.Put, "api/workflows/pin-target/baseline", new { runId = "no-such-run" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("/runId", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    private async Task RegisterScanAsync(string workflowId)
    {
        var workflow = new
        {
            id = workflowId,
            name = workflowId,
            inputs = new Dictionary<string, object>
            {
                ["target"] = new { type = "host", @default = "127.0.0.1" },
                ["ports"] = new { type = "ports", required = true },
            },
            nodes = new object[]
            {
                new { id = "scan", component = "security.nmap", inputs = new Dictionary<string, object> { ["host"] = Bind("target"), ["ports"] = Bind("ports") } },
                new { id = "done", component = "core.log", inputs = new { message = "scan finished" }, dependsOn = new[] { "scan" } },
            },
        };
        using var response = await SendAsync(HttpMethod.Post, "api/workflows", workflow);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> RunToEndAsync(string workflowId, string ports)
    {
        using var started = await SendAsync(HttpMethod.Post, $"api/workflows/{workflowId}/runs", new { inputs = new { ports } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(runId)).Status);
        return runId;
    }

    private async Task<RunDiff> DiffAsync(string runId, string other)
        => (await host.Http.GetFromJsonAsync<RunDiff>(new Uri($"api/workflows/runs/{runId}/diff/{other}", UriKind.Relative), ShipSecJson.Options))!;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = body is null ? null : new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        return await host.Http.SendAsync(request);
    }

    private static Dictionary<string, string> Bind(string input) => new() { ["$input"] = input };
}
