using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Json;
using ShipSec.Shared.Sdk;

namespace ShipSec.Components.Tests;

public sealed class SampleWorkflowTests
{
    private static readonly string SamplePath = Path.Combine(RepositoryRoot(), "samples", "workflows", "local-recon.json");

    [Fact]
    public void The_local_recon_sample_uses_only_declared_components_inputs_and_outputs()
    {
        var workflow = Load();
        using var provider = WithLocalDefaults().AddShipSecComponents().BuildServiceProvider();
        var catalog = provider.GetRequiredService<IComponentCatalog>();
        var nodes = workflow.Nodes.ToDictionary(n => n.Id);

        foreach (var node in workflow.Nodes)
        {
            Assert.True(catalog.TryGet(node.Component, out var component), $"{node.Id}: unknown component {node.Component}");
            var declared = component.Descriptor.Inputs.ToDictionary(i => i.Name);
            Assert.All(node.Inputs.Keys, name => Assert.True(declared.ContainsKey(name), $"{node.Id}: undeclared input {name}"));
            Assert.All(declared.Values.Where(i => i.Required), i => Assert.True(node.Inputs.ContainsKey(i.Name), $"{node.Id}: missing {i.Name}"));
            Assert.NotNull(node.Retry);
            Assert.NotNull(node.TimeoutSeconds);

            foreach (var value in node.Inputs.Values)
            {
                if (InputReference.TryParse(value, out var reference))
                {
                    Assert.True(nodes.ContainsKey(reference.Value.NodeId), $"{node.Id}: $ref to unknown node {reference}");
                    Assert.True(catalog.TryGet(nodes[reference.Value.NodeId].Component, out var upstream));
                    Assert.Contains(upstream.Descriptor.Outputs, o => o.Name == reference.Value.Output);
                }
            }
        }
    }

    [Fact]
    public async Task The_local_recon_sample_runs_end_to_end_on_loopback()
    {
        // A minimal sequential runner (the file lists nodes in dependency order): the orchestrator's job
        // in the product, here only to prove the components chain as the sample wires them.
        var workflow = Load();
        using var provider = WithLocalDefaults().AddShipSecComponents().BuildServiceProvider();
        var catalog = provider.GetRequiredService<IComponentCatalog>();
        var outputs = new Dictionary<string, ComponentOutputs>();
        var contexts = new Dictionary<string, RecordingComponentContext>();

        foreach (var node in workflow.Nodes)
        {
            var inputs = node.Inputs.ToDictionary(
                i => i.Key,
                i => InputReference.TryParse(i.Value, out var reference)
                    ? outputs[reference.Value.NodeId].Values[reference.Value.Output]
                    : i.Value);
            var context = new RecordingComponentContext(inputs) { NodeId = node.Id };
            Assert.True(catalog.TryGet(node.Component, out var component));
            outputs[node.Id] = await component.ExecuteAsync(context);
            contexts[node.Id] = context;
        }

        Assert.Equal(outputs["scan"].Read<int[]>("openPorts").Length, outputs["probe"].Read<ProbedService[]>("services").Length);
        Assert.Equal(
            ["step 1 of 5", "step 2 of 5", "step 3 of 5", "step 4 of 5", "step 5 of 5"],
            contexts["tool"].Logs.Where(l => l.Message.StartsWith("step", StringComparison.Ordinal)).Select(l => l.Message));
        Assert.Contains(contexts["tool"].Logs, l => l is { Level: Shared.Trace.TraceEventLevel.Warn, Message: "finished (this line goes to stderr)" });
        Assert.Equal(["report.md", "report.json"], contexts["report"].Artifacts.Select(a => a.Reference.Name));
    }

    // The local host's own appsettings.json: the sample must run with what ./scripts/run ships.
    private static ServiceCollection WithLocalDefaults()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot(), "src", "LocalHost", "appsettings.json"), optional: false)
            .Build());
        return services;
    }

    private static WorkflowDefinition Load()
        => JsonSerializer.Deserialize<WorkflowDefinition>(File.ReadAllText(SamplePath), ShipSecJson.Options)!;

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "samples", "workflows")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("samples/workflows not found above the test binaries.");
    }
}
