using System.Text;
using System.Text.Json;
using ShipSec.Shared.Dsl;

namespace ShipSec.Shared.Tests.Dsl;

public sealed class WorkflowValidatorTests
{
    private readonly WorkflowDefinitionReader reader = TestCatalog.Reader();

    [Fact]
    public void The_example_is_valid()
    {
        var result = reader.Read(TestCatalog.Example);

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems));
        Assert.Equal("local-recon", result.Workflow.Id);
    }

    [Fact]
    public async Task The_example_is_valid_when_read_from_a_stream()
    {
        var result = await reader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(TestCatalog.Example)));

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems));
    }

    [Fact]
    public void A_repeated_node_id_is_reported_at_the_repeat()
    {
        var result = reader.Read(TestCatalog.Noops(("a", []), ("b", []), ("a", [])));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("/nodes/2/id", WorkflowProblemCodes.DuplicateNodeId, "a"), (problem.Field, problem.Code, problem.NodeId));
        Assert.Contains("/nodes/0", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_component_is_reported_with_the_known_ones()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [ { "id": "scan", "component": "security.port-scna", "inputs": { "anything": 1 } } ] }
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("/nodes/0/component", WorkflowProblemCodes.UnknownComponent, "scan"), (problem.Field, problem.Code, problem.NodeId));
        Assert.Contains("'security.port-scna'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("core.noop, core.report, security.http-probe, security.port-scan", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_input_is_named()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [ { "id": "scan", "component": "security.port-scan", "inputs": { "ports": "80" } } ] }
            """);

        var problem = result.Single("/nodes/0/inputs/host", WorkflowProblemCodes.MissingInput);
        Assert.Equal("scan", problem.NodeId);
        Assert.Contains("'host'", problem.Message, StringComparison.Ordinal);
        Assert.Single(result.Problems);
    }

    [Fact]
    public void A_required_input_given_as_null_is_missing()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [ { "id": "scan", "component": "security.port-scan", "inputs": { "host": null } } ] }
            """);

        Assert.Single(result.Problems);
        result.Single("/nodes/0/inputs/host", WorkflowProblemCodes.MissingInput);
    }

    [Fact]
    public void An_input_the_component_does_not_declare_is_unknown()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [ { "id": "scan", "component": "security.port-scan", "inputs": { "host": "h", "hots": "h" } } ] }
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("/nodes/0/inputs/hots", WorkflowProblemCodes.UnknownInput, "scan"), (problem.Field, problem.Code, problem.NodeId));
        Assert.Contains("host, ports", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_literal_of_the_wrong_type_is_an_invalid_value()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [
              { "id": "scan", "component": "security.port-scan", "inputs": { "host": 127 } },
              { "id": "report", "component": "core.report", "inputs": { "findings": [], "limit": 2.5, "title": "t" } },
              { "id": "fine", "component": "core.report", "inputs": { "findings": {}, "limit": 3.0 } } ] }
            """);

        result.Single("/nodes/0/inputs/host", WorkflowProblemCodes.InvalidValue);
        result.Single("/nodes/1/inputs/limit", WorkflowProblemCodes.InvalidValue);
        Assert.Equal(2, result.Problems.Count);
    }

    [Fact]
    public void References_to_unknown_nodes_and_outputs_are_reported()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [
              { "id": "scan", "component": "security.port-scan", "inputs": { "host": "h" } },
              { "id": "probe", "component": "security.http-probe", "inputs": { "host": "h", "ports": { "$ref": "scna.openPorts" } } },
              { "id": "report", "component": "core.report", "inputs": { "findings": { "$ref": "scan.closedPorts" } }, "dependsOn": ["probe", "nowhere"] } ] }
            """);

        var node = result.Single("/nodes/1/inputs/ports/$ref", WorkflowProblemCodes.UnknownNode);
        Assert.Equal("probe", node.NodeId);
        Assert.Contains("'scna'", node.Message, StringComparison.Ordinal);
        var output = result.Single("/nodes/2/inputs/findings/$ref", WorkflowProblemCodes.UnknownOutput);
        Assert.Contains("openPorts", output.Message, StringComparison.Ordinal);
        var dependsOn = result.Single("/nodes/2/dependsOn/1", WorkflowProblemCodes.UnknownNode);
        Assert.Equal("report", dependsOn.NodeId);
        Assert.Equal(3, result.Problems.Count);
    }

    [Theory]
    [InlineData("\"scan\"")]
    [InlineData("\"scan.\"")]
    [InlineData("\".openPorts\"")]
    [InlineData("5")]
    [InlineData("null")]
    public void A_ref_that_is_not_node_dot_output_is_an_invalid_value(string target)
    {
        var result = reader.Read($$"""
            { "id": "w", "name": "W", "nodes": [
              { "id": "scan", "component": "security.port-scan", "inputs": { "host": "h" } },
              { "id": "probe", "component": "security.http-probe", "inputs": { "host": "h", "ports": { "$ref": {{target}} } } } ] }
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("/nodes/1/inputs/ports/$ref", WorkflowProblemCodes.InvalidValue, "probe"), (problem.Field, problem.Code, problem.NodeId));
    }

    [Fact]
    public void Only_top_level_ref_objects_are_references()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [
              { "id": "a", "component": "core.noop", "inputs": { "value": [ { "$ref": "nowhere.x" }, { "inner": { "$ref": "b.value" } } ] } },
              { "id": "b", "component": "core.noop", "inputs": { "value": { "$ref": "nowhere.x", "note": "a literal" } } } ] }
            """);

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems));
        Assert.Equal(["a", "b"], new WorkflowGraph(result.Workflow).Levels[0]);
    }

    [Fact]
    public void A_node_depending_on_itself_is_a_self_dependency()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [
              { "id": "a", "component": "core.noop", "dependsOn": ["a"] },
              { "id": "b", "component": "core.noop", "inputs": { "value": { "$ref": "b.value" } } } ] }
            """);

        Assert.Equal("a", result.Single("/nodes/0/dependsOn/0", WorkflowProblemCodes.SelfDependency).NodeId);
        Assert.Equal("b", result.Single("/nodes/1/inputs/value/$ref", WorkflowProblemCodes.SelfDependency).NodeId);
        Assert.Equal(2, result.Problems.Count);
    }

    [Fact]
    public void A_three_node_cycle_names_exactly_its_nodes_in_order()
    {
        var result = reader.Read(TestCatalog.Noops(("a", ["b"]), ("b", ["c"]), ("c", ["a"]), ("d", ["a"])));

        var cycle = Assert.Single(result.Problems);
        Assert.Equal(("/nodes", WorkflowProblemCodes.Cycle), (cycle.Field, cycle.Code));
        Assert.Equal(["a", "b", "c"], cycle.Nodes);
        Assert.Contains("a → b → c → a", cycle.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_through_references_is_found_like_one_through_dependsOn()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [
              { "id": "a", "component": "core.noop", "inputs": { "value": { "$ref": "b.value" } } },
              { "id": "b", "component": "core.noop", "dependsOn": ["a"] } ] }
            """);

        Assert.Equal(["a", "b"], Assert.Single(result.Problems).Nodes);
    }

    [Fact]
    public void Each_distinct_cycle_is_reported_once()
    {
        var result = reader.Read(TestCatalog.Noops(
            ("a", ["b"]), ("b", ["a", "c"]), ("c", ["b"]),
            ("x", ["y"]), ("y", ["z"]), ("z", ["x"]),
            ("ok", ["a", "x"])));

        var cycles = result.Problems.Where(p => p.Code == WorkflowProblemCodes.Cycle).Select(p => string.Join(",", p.Nodes!)).ToList();
        Assert.Equal(["a,b", "b,c", "x,y,z"], cycles);
        Assert.Equal(3, result.Problems.Count);
    }

    [Fact]
    public void A_thousand_node_cycle_is_one_problem_without_overflowing_the_stack()
    {
        var ids = Enumerable.Range(0, 1000).Select(i => $"n{i}").ToArray();
        var json = TestCatalog.Noops([.. ids.Select((id, i) => (id, new[] { ids[(i + 1) % ids.Length] }))]);

        var result = reader.Read(json);

        var cycle = Assert.Single(result.Problems);
        Assert.Equal(WorkflowProblemCodes.Cycle, cycle.Code);
        Assert.Equal(ids, cycle.Nodes);
        Assert.True(cycle.Message.Length < 500, "The message shortens a long cycle.");
    }

    [Fact]
    public void A_ten_thousand_node_chain_is_valid()
    {
        var json = TestCatalog.Noops([.. Enumerable.Range(0, WorkflowLimits.MaxNodes).Select(i => ($"n{i}", i == 0 ? Array.Empty<string>() : [$"n{i - 1}"]))]);

        var result = reader.Read(json);

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems.Take(5)));
        var graph = new WorkflowGraph(result.Workflow);
        Assert.Equal(WorkflowLimits.MaxNodes, graph.Levels.Count);
        Assert.Equal(WorkflowLimits.MaxNodes - 1, graph.Descendants("n0").Count);
    }

    [Fact]
    public void A_ten_thousand_node_chain_written_backwards_is_valid()
    {
        var count = WorkflowLimits.MaxNodes;
        var json = TestCatalog.Noops([.. Enumerable.Range(0, count).Select(i => ($"n{i}", i == count - 1 ? Array.Empty<string>() : [$"n{i + 1}"]))]);

        var result = reader.Read(json);

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems.Take(5)));
        Assert.Equal($"n{count - 1}", new WorkflowGraph(result.Workflow).TopologicalOrder[0]);
    }

    [Fact]
    public void More_than_ten_thousand_nodes_are_too_many()
    {
        var json = TestCatalog.Noops([.. Enumerable.Range(0, WorkflowLimits.MaxNodes + 1).Select(i => ($"n{i}", Array.Empty<string>()))]);

        var problem = Assert.Single(reader.Read(json).Problems);

        Assert.Equal(("/nodes", WorkflowProblemCodes.TooManyNodes), (problem.Field, problem.Code));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("257")]
    [InlineData("\"8\"")]
    public void A_max_parallel_nodes_outside_its_range_is_reported_at_the_field(string value)
    {
        var result = reader.Read($$"""{ "id": "w", "name": "W", "maxParallelNodes": {{value}}, "nodes": [ { "id": "a", "component": "core.noop" } ] }""");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("/maxParallelNodes", problem.Field);
    }

    [Fact]
    public void A_max_parallel_nodes_in_range_is_kept()
    {
        var result = reader.Read("""{ "id": "w", "name": "W", "maxParallelNodes": 8, "nodes": [ { "id": "a", "component": "core.noop" } ] }""");

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems));
        Assert.Equal(8, result.Workflow.MaxParallelNodes);
    }

    [Fact]
    public void Parser_and_validator_problems_are_reported_together_without_repeats()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [
              { "component": "core.noop" },
              { "id": "a b", "component": "core.noop" },
              { "id": "scan", "component": "security.port-scna", "colour": "red", "retry": { "maxAttempts": 99 } },
              { "id": "probe", "component": "security.http-probe", "inputs": { "host": "h", "ports": { "$ref": "ghost.x" } } },
              { "id": "c1", "component": "core.noop", "dependsOn": ["c2"] },
              { "id": "c2", "component": "core.noop", "dependsOn": ["c1"] } ] }
            """);

        (string, string)[] expected =
        [
            ("/nodes/0/id", WorkflowProblemCodes.MissingField),
            ("/nodes/1/id", WorkflowProblemCodes.InvalidValue),
            ("/nodes/2/component", WorkflowProblemCodes.UnknownComponent),
            ("/nodes/2/colour", WorkflowProblemCodes.UnknownField),
            ("/nodes/2/retry/maxAttempts", WorkflowProblemCodes.InvalidValue),
            ("/nodes/3/inputs/ports/$ref", WorkflowProblemCodes.UnknownNode),
            ("/nodes", WorkflowProblemCodes.Cycle),
        ];
        Assert.Equal(expected.Order(), result.Problems.Select(p => (p.Field, p.Code)).Order());
        Assert.Equal(WorkflowProblemCodes.Cycle, result.Problems[^1].Code);
        Assert.Null(result.Workflow);
    }

    [Fact]
    public void A_definition_built_in_code_is_checked_as_thoroughly_as_a_parsed_one()
    {
        var definition = new WorkflowDefinition
        {
            Id = "bad id",
            Name = "",
            Nodes =
            [
                new NodeDefinition { Id = "", Component = "core.noop" },
                null!,
                new NodeDefinition
                {
                    Id = "a",
                    Component = "",
                    Inputs = null!,
                    DependsOn = [null!],
                    Retry = new RetryPolicy { MaxAttempts = 0, BackoffSeconds = double.NaN },
                    TimeoutSeconds = -1,
                },
                new NodeDefinition { Id = "b", Component = "core.noop", Inputs = new Dictionary<string, JsonElement> { ["value"] = default } },
            ],
        };

        var problems = TestCatalog.Validator().Validate(definition);

        (string, string)[] expected =
        [
            ("/id", WorkflowProblemCodes.InvalidValue),
            ("/name", WorkflowProblemCodes.MissingField),
            ("/nodes/0/id", WorkflowProblemCodes.MissingField),
            ("/nodes/1", WorkflowProblemCodes.InvalidValue),
            ("/nodes/2/component", WorkflowProblemCodes.MissingField),
            ("/nodes/2/retry/maxAttempts", WorkflowProblemCodes.InvalidValue),
            ("/nodes/2/retry/backoffSeconds", WorkflowProblemCodes.InvalidValue),
            ("/nodes/2/timeoutSeconds", WorkflowProblemCodes.InvalidValue),
            ("/nodes/2/dependsOn/0", WorkflowProblemCodes.UnknownNode),
        ];
        Assert.Equal(expected.Order(), problems.Select(p => (p.Field, p.Code)).Order());
    }

    [Fact]
    public void A_ref_to_a_node_id_with_a_dot_explains_why_it_cannot_resolve()
    {
        var result = reader.Read("""
            { "id": "w", "name": "W", "nodes": [
              { "id": "scan.v2", "component": "core.noop" },
              { "id": "b", "component": "core.noop", "inputs": { "value": { "$ref": "scan.v2.value" } } } ] }
            """);

        var problem = result.Single("/nodes/1/inputs/value/$ref", WorkflowProblemCodes.UnknownNode);
        Assert.Contains("'scan.v2' has a '.'", problem.Message, StringComparison.Ordinal);
    }
}
