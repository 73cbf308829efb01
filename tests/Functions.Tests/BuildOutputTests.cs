using System.Text.Json;

namespace ShipSec.Functions.Tests;

/// <summary>
/// What <c>dotnet publish</c> copies is what the build output holds; publishing in every test run is too
/// slow, so these assert the build output has what the Functions host needs to start the worker.
/// </summary>
public sealed class BuildOutputTests
{
    private static string Output(string name) => Path.Combine(BuildLayout.FunctionsOutputDirectory, name);

    [Fact]
    public void The_repository_host_json_is_the_apps_host_json()
    {
        Assert.True(File.Exists(Output("host.json")), "host.json was not copied into the Functions build output.");
        Assert.Equal(
            File.ReadAllText(Path.Combine(BuildLayout.RepositoryRoot, "host.json")),
            File.ReadAllText(Output("host.json")));

        using var host = JsonDocument.Parse(File.ReadAllBytes(Output("host.json")));
        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        Assert.Equal("api", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("ShipSecRuns", host.RootElement.GetProperty("extensions").GetProperty("durableTask").GetProperty("hubName").GetString());
    }

    [Fact]
    public void The_worker_config_starts_the_isolated_worker_with_worker_indexing()
    {
        Assert.True(File.Exists(Output("worker.config.json")), "worker.config.json is missing from the Functions build output.");
        using var config = JsonDocument.Parse(File.ReadAllBytes(Output("worker.config.json")));
        var description = config.RootElement.GetProperty("description");

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("ShipSec.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.Equal("true", description.GetProperty("workerIndexing").GetString());
        Assert.True(File.Exists(Output("ShipSec.Functions.dll")));
    }

    [Fact]
    public void The_durable_host_extension_is_bundled_where_extensions_json_points()
    {
        Assert.True(Directory.Exists(Output(".azurefunctions")), "The .azurefunctions extension folder is missing from the Functions build output.");
        Assert.True(File.Exists(Output("extensions.json")), "extensions.json is missing from the Functions build output.");
        using var registered = JsonDocument.Parse(File.ReadAllBytes(Output("extensions.json")));
        var extensions = registered.RootElement.GetProperty("extensions").EnumerateArray().ToList();

        Assert.Contains(extensions, e => e.GetProperty("name").GetString() == "DurableTask");
        foreach (var extension in extensions)
        {
            var hintPath = extension.GetProperty("hintPath").GetString()!;
            Assert.True(File.Exists(Output(hintPath)), $"extensions.json points at {hintPath}, which the build output does not have.");
        }
    }

    [Fact]
    public void The_local_settings_example_lists_every_setting_the_app_reads()
    {
        var example = Path.Combine(BuildLayout.RepositoryRoot, "src", "Functions", "local.settings.json.example");
        using var settings = JsonDocument.Parse(File.ReadAllBytes(example));
        var values = settings.RootElement.GetProperty("Values");

        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        foreach (var name in new[]
                 {
                     "AzureWebJobsStorage", "ConnectionStrings__Postgres", "Postgres__Schema", "ConnectionStrings__Storage",
                     "Artifacts__ServiceUri", "Trace__Transport", "Trace__EventHubs__FullyQualifiedNamespace",
                     "Trace__EventHubs__EventHubName", "Realtime__Provider", "Realtime__AzureSignalR__ConnectionString",
                     "Access__ApiKey", "Access__Entra__TenantId", "Access__Entra__Audience",
                 })
        {
            Assert.True(values.TryGetProperty(name, out _), $"local.settings.json.example does not list {name}.");
        }
    }
}
