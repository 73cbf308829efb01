using System.Net.Http.Json;
using System.Text.Json;
using ShipSec.Cli;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests;

/// <summary>
/// The shipsec CLI against a real local host: its exit code says how the run ended, for every final status
/// (completed 0; failed or cancelled 1; a refused request 2), as README promises.
/// </summary>
public sealed class CliTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("shipsec-cli-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<int> RunAsync(string workflowJson)
    {
        var file = Path.Combine(folder, $"{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, workflowJson);
        return await ShipSecCommandLine.InvokeAsync(["--url", host.BaseAddress.ToString(), "--api-key", host.ApiKey, "run", file, "--watch"]);
    }

    [Fact]
    public async Task Run_watch_exits_zero_when_the_run_completed()
        => Assert.Equal(ShipSecCommandLine.Success, await RunAsync("""{ "id": "cli-ok", "name": "ok", "nodes": [ { "id": "a", "component": "core.log", "inputs": { "message": "hello", "count": 3 } } ] }"""));

    [Fact]
    public async Task Run_watch_exits_one_when_the_run_failed()
        => Assert.Equal(ShipSecCommandLine.RunDidNotComplete, await RunAsync("""{ "id": "cli-fail", "name": "fail", "nodes": [ { "id": "a", "component": "core.fail" } ] }"""));

    [Fact]
    public async Task Run_watch_exits_one_when_the_run_was_cancelled()
    {
        var workflowId = "cli-cancel-" + Guid.NewGuid().ToString("N")[..8];
        var watching = RunAsync($$"""{ "id": "{{workflowId}}", "name": "cancel", "nodes": [ { "id": "nap", "component": "core.sleep", "inputs": { "milliseconds": 30000 } } ] }""");

        // The run the CLI started, once its node runs: then cancel it from outside, as a user would.
        var runId = await WaitForRunningNodeAsync(workflowId);
        await host.CancelAsync(runId);

        Assert.Equal(ShipSecCommandLine.RunDidNotComplete, await watching.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(RunStatus.Cancelled, (await host.GetStatusAsync(runId)).Status);
    }

    private async Task<string> WaitForRunningNodeAsync(string workflowId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            using var response = await host.Http.GetAsync(new Uri($"api/workflows/runs?workflowId={workflowId}", UriKind.Relative), timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                var runs = (await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("runs").Deserialize<List<RunSummary>>(ShipSecJson.Options)!;
                if (runs is [var run])
                {
                    var trace = await host.GetTraceAsync(run.RunId);
                    if (trace.Any(e => e is { NodeId: "nap", Type: TraceEventType.NodeStarted }))
                    {
                        return run.RunId;
                    }
                }
            }
        }
        while (await poll.WaitForNextTickAsync(timeout.Token));

        throw new InvalidOperationException("unreachable");
    }

    [Fact]
    public async Task A_wrong_api_key_exits_two()
    {
        var file = Path.Combine(folder, "ok.json");
        await File.WriteAllTextAsync(file, """{ "id": "cli-key", "name": "k", "nodes": [ { "id": "a", "component": "core.log", "inputs": { "message": "x" } } ] }""");
        Assert.Equal(ShipSecCommandLine.RequestFailed, await ShipSecCommandLine.InvokeAsync(["--url", host.BaseAddress.ToString(), "--api-key", "wrong", "run", file]));
    }

    [Fact]
    public async Task An_invalid_workflow_file_exits_two()
        => Assert.Equal(ShipSecCommandLine.RequestFailed, await RunAsync("""{ "id": "cli-bad", "name": "bad", "nodes": [ { "id": "a", "component": "nope" } ] }"""));
}
