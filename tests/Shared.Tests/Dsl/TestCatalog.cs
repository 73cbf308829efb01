using ShipSec.Shared.Dsl;
using ShipSec.Shared.Sdk;

namespace ShipSec.Shared.Tests.Dsl;

/// <summary>A real <see cref="ComponentCatalog"/> over components that only describe themselves.</summary>
internal static class TestCatalog
{
    public const string Example = """
        {
          "id": "local-recon",
          "name": "Local recon",
          "nodes": [
            { "id": "scan", "component": "security.port-scan", "inputs": { "host": "127.0.0.1", "ports": "1-1024" },
              "retry": { "maxAttempts": 2, "backoffSeconds": 1 }, "timeoutSeconds": 120 },
            { "id": "probe", "component": "security.http-probe", "inputs": { "host": "127.0.0.1", "ports": { "$ref": "scan.openPorts" } } },
            { "id": "report", "component": "core.report", "inputs": { "findings": { "$ref": "probe.services" } }, "dependsOn": ["scan"] }
          ]
        }
        """;

    public static ComponentCatalog Create() => new(
    [
        new DescribedComponent(new ComponentDescriptor(
            "security.port-scan",
            "Finds open TCP ports.",
            [
                new("host", ComponentValueType.String, Required: true, "Host to scan."),
                new("ports", ComponentValueType.String, Required: false, "Port range.",
                    Rule: new TextRule(text => text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c is ',' or '-') ? null : "is not a port list")),
            ],
            [new("openPorts", ComponentValueType.Array, "Open ports.")])),
        new DescribedComponent(new ComponentDescriptor(
            "security.http-probe",
            "Probes HTTP services.",
            [
                new("host", ComponentValueType.String, Required: true, "Host to probe."),
                new("ports", ComponentValueType.Any, Required: true, "Ports to probe."),
            ],
            [new("services", ComponentValueType.Array, "Services found.")])),
        new DescribedComponent(new ComponentDescriptor(
            "core.report",
            "Writes a report.",
            [
                new("findings", ComponentValueType.Any, Required: true, "What to report."),
                new("title", ComponentValueType.String, Required: false, "Report title."),
                new("limit", ComponentValueType.Integer, Required: false, "Most findings to list.", Rule: new IntegerRange(0, 1000)),
            ],
            [new("report", ComponentValueType.Object, "The report.")])),
        new DescribedComponent(new ComponentDescriptor(
            "core.noop",
            "Passes a value through.",
            [new("value", ComponentValueType.Any, Required: false, "Anything.")],
            [new("value", ComponentValueType.Any, "The same value.")])),
    ]);

    public static WorkflowDefinitionReader Reader() => new(Create());

    public static WorkflowValidator Validator() => new(Create());

    /// <summary>A document of core.noop nodes, each depending on the nodes listed for it.</summary>
    public static string Noops(params (string Id, string[] DependsOn)[] nodes)
    {
        var written = nodes.Select(n =>
            $$"""{ "id": "{{n.Id}}", "component": "core.noop", "dependsOn": [{{string.Join(", ", n.DependsOn.Select(d => $"\"{d}\""))}}] }""");
        return $$"""{ "id": "w", "name": "W", "nodes": [{{string.Join(",\n", written)}}] }""";
    }

    private sealed class DescribedComponent(ComponentDescriptor descriptor) : IComponent
    {
        public ComponentDescriptor Descriptor { get; } = descriptor;

        public Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
            => throw new NotSupportedException("Test components only describe themselves.");
    }
}

internal static class ProblemAssertions
{
    /// <summary>The one problem with this field and code; fails listing every problem otherwise.</summary>
    public static WorkflowProblem Single(this WorkflowParseResult result, string field, string code)
        => result.Problems.Single(field, code);

    public static WorkflowProblem Single(this IReadOnlyList<WorkflowProblem> problems, string field, string code)
    {
        var matches = problems.Where(p => p.Field == field && p.Code == code).ToList();
        Assert.True(matches.Count == 1, $"Expected one {code} at {field}, found {matches.Count} in:\n{Describe(problems)}");
        return matches[0];
    }

    public static string Describe(IEnumerable<WorkflowProblem> problems)
        => string.Join("\n", problems.Select(p => $"  {p.Field} {p.Code}: {p.Message}"));
}
