using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Sdk;
using Xunit.Abstractions;

namespace ShipSec.Components.Tests;

public sealed class SampleWorkflowTests(ITestOutputHelper output)
{
    private static readonly string SamplePath = Path.Combine(RepositoryRoot(), "samples", "workflows", "local-recon.json");

    [Fact]
    public async Task The_local_recon_sample_is_valid_and_takes_target_and_ports()
    {
        using var provider = WithLocalDefaults().AddShipSecComponents().BuildServiceProvider();
        var reader = new WorkflowDefinitionReader(new WorkflowValidator(provider.GetRequiredService<IComponentCatalog>()));

        await using var file = File.OpenRead(SamplePath);
        var parsed = await reader.ReadAsync(file);

        Assert.True(parsed.IsValid, string.Join("\n", parsed.Problems.Select(p => $"{p.Field}: {p.Message}")));
        var inputs = parsed.Workflow!.Inputs;
        Assert.Equal(WorkflowInputType.Host, inputs["target"].Type);
        Assert.Equal("127.0.0.1", inputs["target"].Default!.Value.GetString());
        Assert.Equal(WorkflowInputType.Ports, inputs["ports"].Type);
        Assert.Equal(["security.nmap", "security.http-probe", "security.tls", "core.report"], parsed.Workflow.Nodes.Select(n => n.Component));
    }

    [Fact]
    public async Task The_local_recon_sample_runs_end_to_end_on_loopback()
    {
        // A minimal sequential runner (the file lists nodes in dependency order): the orchestrator's job in the
        // product, here only to prove the components chain as the sample wires them. A TLS server the test
        // starts joins the sample's ports, so the TLS check has a TLS port to report on.
        await using var tls = await LoopbackTlsServer.StartAsync();
        await using var file = File.OpenRead(SamplePath);
        var workflow = (await WorkflowParser.ParseAsync(file)).Workflow!;
        var given = new Dictionary<string, JsonElement>
        {
            ["ports"] = JsonSerializer.SerializeToElement($"{workflow.Inputs["ports"].Default!.Value.GetString()},{tls.Port}"),
        };
        var check = WorkflowInputValues.Check(workflow, given);
        Assert.True(check.IsValid);
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
                    : WorkflowInputBinding.Substitute(i.Value, check.Values));
            var context = new RecordingComponentContext(inputs) { NodeId = node.Id };
            Assert.True(catalog.TryGet(node.Component, out var component));
            var watch = Stopwatch.StartNew();
            outputs[node.Id] = await component.ExecuteAsync(context);
            output.WriteLine($"{node.Id} ({node.Component}): {watch.ElapsedMilliseconds} ms, {context.Findings.Count} finding(s)");
            contexts[node.Id] = context;
        }

        var open = outputs["scan"].Read<int[]>("openPorts");
        Assert.Contains(tls.Port, open);
        Assert.Equal(open.Length, outputs["probe"].Read<ProbedService[]>("services").Length);
        Assert.Equal(open.Length, contexts["scan"].Findings.Count(f => f.RuleId == NmapComponent.OpenPortRule));
        Assert.Contains(tls.Port, outputs["tls"].Read<int[]>("tlsPorts"));
        Assert.Contains(contexts["tls"].Findings, f => f.RuleId == TlsComponent.SelfSignedRule && f.Asset.Port == tls.Port);
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
