using System.Text;
using System.Text.Json;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Json;

namespace ShipSec.Shared.Tests.Dsl;

public sealed class WorkflowParserTests
{
    [Fact]
    public void The_example_parses_into_the_model()
    {
        var result = WorkflowParser.Parse(TestCatalog.Example);

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems));
        var workflow = result.Workflow;
        Assert.Equal("local-recon", workflow.Id);
        Assert.Equal("Local recon", workflow.Name);
        Assert.Equal(["scan", "probe", "report"], workflow.Nodes.Select(n => n.Id));
        var scan = workflow.Nodes[0];
        Assert.Equal("security.port-scan", scan.Component);
        Assert.Equal("127.0.0.1", scan.Inputs["host"].GetString());
        Assert.Equal(2, scan.Retry!.MaxAttempts);
        Assert.Equal(1, scan.Retry.BackoffSeconds);
        Assert.Equal(120, scan.TimeoutSeconds);
        Assert.True(InputReference.TryParse(workflow.Nodes[1].Inputs["ports"], out var reference));
        Assert.Equal(new InputReference("scan", "openPorts"), reference);
        Assert.Equal(["scan"], workflow.Nodes[2].DependsOn);
        Assert.Null(workflow.Nodes[1].Retry);
    }

    [Fact]
    public void A_definition_written_with_the_ShipSec_json_rules_parses_back_the_same()
    {
        var first = WorkflowParser.Parse(TestCatalog.Example).Workflow!;

        var written = JsonSerializer.Serialize(first, ShipSecJson.Options);
        var again = WorkflowParser.Parse(written);

        Assert.True(again.IsValid, ProblemAssertions.Describe(again.Problems));
        Assert.Equal(JsonSerializer.Serialize(again.Workflow, ShipSecJson.Options), written);
    }

    [Fact]
    public async Task A_stream_with_a_byte_order_mark_parses()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(TestCatalog.Example)).ToArray();

        var result = await WorkflowParser.ParseAsync(new MemoryStream(bytes));

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems));
    }

    [Fact]
    public void Malformed_json_is_one_problem_that_says_where()
    {
        var result = WorkflowParser.Parse("{\n  \"id\": \"w\",\n  \"name\": oops\n}");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(WorkflowProblemCodes.MalformedJson, problem.Code);
        Assert.Equal("/", problem.Field);
        Assert.Contains("line 3", problem.Message, StringComparison.Ordinal);
        Assert.Contains("byte 11", problem.Message, StringComparison.Ordinal);
        Assert.Null(result.Workflow);
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"id\": \"w\",}}")]
    [InlineData("{\"id\": \"a\", \"id\": \"b\", \"name\": \"n\", \"nodes\": []}")]
    public void Documents_that_are_not_json_are_malformed(string json)
    {
        var problem = Assert.Single(WorkflowParser.Parse(json).Problems);

        Assert.Equal(WorkflowProblemCodes.MalformedJson, problem.Code);
        Assert.Contains("line 1", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_document_is_malformed_not_an_exception()
    {
        var problem = Assert.Single(WorkflowParser.Parse((string)null!).Problems);

        Assert.Equal(WorkflowProblemCodes.MalformedJson, problem.Code);
    }

    [Fact]
    public void Nesting_deeper_than_64_is_a_problem_not_an_exception()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var json = $$"""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "core.noop", "inputs": { "value": {{deep}} } } ] }""";

        var problem = Assert.Single(WorkflowParser.Parse(json).Problems);

        Assert.Equal(WorkflowProblemCodes.MalformedJson, problem.Code);
        Assert.Contains("depth", problem.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Invalid_utf8_in_a_stream_is_malformed_with_its_position()
    {
        var bytes = Encoding.UTF8.GetBytes("{\n \"id\": \"w\u00e9").Concat(new byte[] { 0xC3, 0x28, (byte)'"', (byte)'}' }).ToArray();

        var problem = Assert.Single(WorkflowParser.Parse(bytes).Problems);

        Assert.Equal(WorkflowProblemCodes.MalformedJson, problem.Code);
        Assert.Contains("line 2", problem.Message, StringComparison.Ordinal);
        Assert.Contains("byte 12", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"workflow\"")]
    [InlineData("null")]
    public void A_document_that_is_not_an_object_is_an_invalid_value(string json)
    {
        var problem = Assert.Single(WorkflowParser.Parse(json).Problems);

        Assert.Equal(("/", WorkflowProblemCodes.InvalidValue), (problem.Field, problem.Code));
    }

    [Fact]
    public void Missing_workflow_fields_are_each_named()
    {
        var result = WorkflowParser.Parse("{}");

        Assert.Equal(3, result.Problems.Count);
        result.Single("/id", WorkflowProblemCodes.MissingField);
        result.Single("/name", WorkflowProblemCodes.MissingField);
        result.Single("/nodes", WorkflowProblemCodes.MissingField);
    }

    [Fact]
    public void Missing_node_fields_name_the_node()
    {
        var result = WorkflowParser.Parse("""
            { "id": "w", "name": "W", "nodes": [ { "id": "scan" }, { "component": "core.noop" } ] }
            """);

        var component = result.Single("/nodes/0/component", WorkflowProblemCodes.MissingField);
        Assert.Equal("scan", component.NodeId);
        Assert.Contains("'scan'", component.Message, StringComparison.Ordinal);
        result.Single("/nodes/1/id", WorkflowProblemCodes.MissingField);
        Assert.Equal(2, result.Problems.Count);
    }

    [Theory]
    [InlineData("""{ "id": 5, "name": "W", "nodes": [ { "id": "a", "component": "c" } ] }""", "/id")]
    [InlineData("""{ "id": "w", "name": ["W"], "nodes": [ { "id": "a", "component": "c" } ] }""", "/name")]
    [InlineData("""{ "id": "w", "name": " ", "nodes": [ { "id": "a", "component": "c" } ] }""", "/name")]
    [InlineData("""{ "id": "w", "name": "W", "description": 1, "nodes": [ { "id": "a", "component": "c" } ] }""", "/description")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": {} }""", "/nodes")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [] }""", "/nodes")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ 7 ] }""", "/nodes/0")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": true } ] }""", "/nodes/0/component")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "inputs": [] } ] }""", "/nodes/0/inputs")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "dependsOn": "b" } ] }""", "/nodes/0/dependsOn")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "dependsOn": ["b", 1] } ] }""", "/nodes/0/dependsOn/1")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "retry": 3 } ] }""", "/nodes/0/retry")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "retry": { "maxAttempts": 0 } } ] }""", "/nodes/0/retry/maxAttempts")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "retry": { "maxAttempts": 11 } } ] }""", "/nodes/0/retry/maxAttempts")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "retry": { "maxAttempts": 2.5 } } ] }""", "/nodes/0/retry/maxAttempts")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "retry": { "maxAttempts": "3" } } ] }""", "/nodes/0/retry/maxAttempts")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "retry": { "backoffSeconds": -1 } } ] }""", "/nodes/0/retry/backoffSeconds")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "retry": { "backoffCoefficient": 0.5 } } ] }""", "/nodes/0/retry/backoffCoefficient")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "retry": { "maxBackoffSeconds": 1e400 } } ] }""", "/nodes/0/retry/maxBackoffSeconds")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "timeoutSeconds": 0 } ] }""", "/nodes/0/timeoutSeconds")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "timeoutSeconds": 86401 } ] }""", "/nodes/0/timeoutSeconds")]
    [InlineData("""{ "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "c", "timeoutSeconds": "60" } ] }""", "/nodes/0/timeoutSeconds")]
    public void Wrong_types_and_values_out_of_range_are_invalid_values_at_their_path(string json, string field)
    {
        var result = WorkflowParser.Parse(json);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((field, WorkflowProblemCodes.InvalidValue), (problem.Field, problem.Code));
        Assert.Null(result.Workflow);
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("-leading-dash")]
    [InlineData("_leading")]
    [InlineData("trailing-newline\n")]
    [InlineData("ünïcode")]
    [InlineData("")]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901234")]
    public void Ids_out_of_format_are_invalid_for_workflows_and_nodes(string id)
    {
        var encoded = JsonSerializer.Serialize(id);
        var result = WorkflowParser.Parse($$"""{ "id": {{encoded}}, "name": "W", "nodes": [ { "id": {{encoded}}, "component": "c" } ] }""");

        result.Single("/id", WorkflowProblemCodes.InvalidValue);
        result.Single("/nodes/0/id", WorkflowProblemCodes.InvalidValue);
        Assert.Equal(2, result.Problems.Count);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Scan.Step_2-b")]
    [InlineData("0")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")]
    public void Ids_in_format_are_accepted(string id)
    {
        var result = WorkflowParser.Parse($$"""{ "id": "{{id}}", "name": "W", "nodes": [ { "id": "{{id}}", "component": "c" } ] }""");

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems));
    }

    [Fact]
    public void Unknown_properties_are_named_with_a_suggestion_when_only_the_case_differs()
    {
        var result = WorkflowParser.Parse("""
            { "id": "w", "Name": "W", "owner": "me", "nodes": [
              { "id": "a", "component": "c", "depends_on": [], "retry": { "attempts": 3 } } ] }
            """);

        var name = result.Single("/Name", WorkflowProblemCodes.UnknownField);
        Assert.Contains("Did you mean 'name'?", name.Message, StringComparison.Ordinal);
        result.Single("/owner", WorkflowProblemCodes.UnknownField);
        var dependsOn = result.Single("/nodes/0/depends_on", WorkflowProblemCodes.UnknownField);
        Assert.Equal("a", dependsOn.NodeId);
        result.Single("/nodes/0/retry/attempts", WorkflowProblemCodes.UnknownField);
        result.Single("/name", WorkflowProblemCodes.MissingField);
        Assert.Equal(5, result.Problems.Count);
    }

    [Fact]
    public void Nul_characters_are_rejected_wherever_they_are()
    {
        var result = WorkflowParser.Parse("""
            { "id": "w", "name": "W\u0000", "description": "\u0000", "nodes": [
              { "id": "a\u0000", "component": "core.noop" },
              { "id": "b", "component": "core.\u0000noop", "dependsOn": ["a\u0000"],
                "inputs": { "value": { "deep": ["ok", "no\u0000"] }, "k\u0000": 1, "o": { "x\u0000": 1 } } } ] }
            """);

        result.Single("/name", WorkflowProblemCodes.InvalidValue);
        result.Single("/description", WorkflowProblemCodes.InvalidValue);
        result.Single("/nodes/0/id", WorkflowProblemCodes.InvalidValue);
        result.Single("/nodes/1/component", WorkflowProblemCodes.InvalidValue);
        result.Single("/nodes/1/dependsOn/0", WorkflowProblemCodes.InvalidValue);
        result.Single("/nodes/1/inputs/value/deep/1", WorkflowProblemCodes.InvalidValue);
        result.Single("/nodes/1/inputs/k\u0000", WorkflowProblemCodes.InvalidValue);
        result.Single("/nodes/1/inputs/o/x\u0000", WorkflowProblemCodes.InvalidValue);
        Assert.Equal(8, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Contains("NUL", p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Escaped_unpaired_surrogates_are_invalid_values_not_exceptions()
    {
        var result = WorkflowParser.Parse("""
            { "id": "w", "name": "\ud800", "nodes": [ { "id": "a", "component": "core.noop", "inputs": { "value": "\udc00x" } } ] }
            """);

        result.Single("/name", WorkflowProblemCodes.InvalidValue);
        result.Single("/nodes/0/inputs/value", WorkflowProblemCodes.InvalidValue);
    }

    [Fact]
    public void Input_names_with_slashes_are_escaped_in_paths()
    {
        var result = WorkflowParser.Parse("""
            { "id": "w", "name": "W", "nodes": [ { "id": "a", "component": "core.noop", "inputs": { "a/b~c": "\u0000" } } ] }
            """);

        result.Single("/nodes/0/inputs/a~1b~0c", WorkflowProblemCodes.InvalidValue);
    }

    [Fact]
    public void Every_structural_problem_in_one_document_is_reported_at_once()
    {
        var result = WorkflowParser.Parse("""
            {
              "id": "bad id",
              "nodes": [
                { "id": "scan", "component": "security.port-scan", "retry": { "maxAttempts": 20, "backoffSeconds": -2 }, "timeoutSeconds": 0 },
                { "component": "core.noop", "inputs": "nope" },
                "not a node",
                { "id": "report", "component": "core.report", "dependsOn": [42], "colour": "red" }
              ]
            }
            """);

        (string, string)[] expected =
            [
                ("/id", WorkflowProblemCodes.InvalidValue),
                ("/name", WorkflowProblemCodes.MissingField),
                ("/nodes/0/retry/maxAttempts", WorkflowProblemCodes.InvalidValue),
                ("/nodes/0/retry/backoffSeconds", WorkflowProblemCodes.InvalidValue),
                ("/nodes/0/timeoutSeconds", WorkflowProblemCodes.InvalidValue),
                ("/nodes/1/inputs", WorkflowProblemCodes.InvalidValue),
                ("/nodes/1/id", WorkflowProblemCodes.MissingField),
                ("/nodes/2", WorkflowProblemCodes.InvalidValue),
                ("/nodes/3/dependsOn/0", WorkflowProblemCodes.InvalidValue),
                ("/nodes/3/colour", WorkflowProblemCodes.UnknownField),
            ];
        Assert.Equal(expected.Order(), result.Problems.Select(p => (p.Field, p.Code)).Order());
        Assert.Equal("scan", result.Problems.Single(p => p.Field == "/nodes/0/timeoutSeconds").NodeId);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_accepted()
    {
        var result = WorkflowParser.Parse("""
            {
              // written by hand
              "id": "w", "name": "W",
              "nodes": [ { "id": "a", "component": "core.noop", }, ],
            }
            """);

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems));
    }

    [Fact]
    public void Explicit_nulls_of_optional_fields_mean_absent()
    {
        var result = WorkflowParser.Parse("""
            { "id": "w", "name": "W", "description": null, "nodes": [
              { "id": "a", "component": "core.noop", "inputs": null, "dependsOn": null, "retry": null, "timeoutSeconds": null } ] }
            """);

        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems));
        Assert.Empty(result.Workflow.Nodes[0].Inputs);
        Assert.Null(result.Workflow.Nodes[0].Retry);
    }
}
