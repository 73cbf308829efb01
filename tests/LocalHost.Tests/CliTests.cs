using ShipSec.Cli;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests;

/// <summary>The shipsec CLI against a real local host: its exit code says whether the run completed.</summary>
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
