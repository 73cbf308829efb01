using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Dsl;

namespace ShipSec.Functions.Tests;

/// <summary>What the Functions host holds and what the app accepts agree.</summary>
public sealed class HostLimitsTests
{
    [Fact]
    public void Host_json_sets_the_function_timeout_the_app_plans_node_timeouts_against()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(BuildLayout.RepositoryRoot, "host.json")));

        var timeout = TimeSpan.Parse(host.RootElement.GetProperty("functionTimeout").GetString()!, CultureInfo.InvariantCulture);

        Assert.Equal(FunctionsHostLimits.FunctionTimeout, timeout);

        // The orchestrator waits a node's timeout plus its 30 s grace: both must end before the host kills the activity.
        Assert.True(TimeSpan.FromSeconds(FunctionsHostLimits.MaxNodeTimeoutSeconds + 30) < timeout);
    }

    [Fact]
    public void The_functions_app_refuses_a_node_timeout_beyond_what_the_host_holds()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(
            new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Workflows:MaxNodeTimeoutSeconds"] = "86400" })
                .Build());
        services.AddOptions<WorkflowOptions>().BindConfiguration(WorkflowOptions.SectionName);
        services.PostConfigure<WorkflowOptions>(FunctionsHostLimits.Apply);
        services.AddShipSecComponents().AddWorkflowDsl();
        using var provider = services.BuildServiceProvider();
        var reader = provider.GetRequiredService<WorkflowDefinitionReader>();

        var tooLong = reader.Read(Workflow(FunctionsHostLimits.MaxNodeTimeoutSeconds + 1));
        var fits = reader.Read(Workflow(FunctionsHostLimits.MaxNodeTimeoutSeconds));

        var problem = Assert.Single(tooLong.Problems);
        Assert.Equal("/nodes/0/timeoutSeconds", problem.Field);
        Assert.Contains(FunctionsHostLimits.MaxNodeTimeoutSeconds.ToString(CultureInfo.InvariantCulture), problem.Message, StringComparison.Ordinal);
        Assert.True(fits.IsValid);
        Assert.Equal(FunctionsHostLimits.MaxNodeTimeoutSeconds, provider.GetRequiredService<IOptions<WorkflowOptions>>().Value.MaxNodeTimeoutSeconds);
    }

    private static string Workflow(int timeoutSeconds) => $$"""
        { "id": "long", "name": "long", "nodes": [
          { "id": "wait", "component": "core.sleep", "inputs": { "milliseconds": 10 }, "timeoutSeconds": {{timeoutSeconds}} } ] }
        """;
}
