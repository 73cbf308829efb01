using System.Globalization;
using System.Text;
using FsCheck.Xunit;
using ShipSec.Shared.Dsl;

namespace ShipSec.Shared.Tests.Dsl;

/// <summary>
/// Parse and validate never throw, whatever arrives: workflow-shaped documents with random wiring, the same
/// documents mangled character by character, and arbitrary text and bytes. Seeded, so a failure reproduces.
/// </summary>
public sealed class WorkflowFuzzTests
{
    private static readonly HashSet<string> Codes =
    [
        WorkflowProblemCodes.MalformedJson, WorkflowProblemCodes.MissingField, WorkflowProblemCodes.InvalidValue,
        WorkflowProblemCodes.DuplicateNodeId, WorkflowProblemCodes.UnknownComponent, WorkflowProblemCodes.MissingInput,
        WorkflowProblemCodes.UnknownInput, WorkflowProblemCodes.UnknownNode, WorkflowProblemCodes.UnknownOutput,
        WorkflowProblemCodes.SelfDependency, WorkflowProblemCodes.Cycle, WorkflowProblemCodes.TooManyNodes,
        WorkflowProblemCodes.UnknownField,
    ];

    private static readonly string[] Keys =
    [
        "id", "name", "description", "nodes", "component", "inputs", "dependsOn", "retry", "timeoutSeconds",
        "maxAttempts", "backoffSeconds", "backoffCoefficient", "maxBackoffSeconds", "$ref", "host", "ports",
        "findings", "value", "title", "limit", "Id", "a/b~c", "", "\\u0000", "\\ud800",
    ];

    private static readonly string[] Strings =
    [
        "scan", "probe", "report", "a", "b", "c", "", "bad id", "scan.openPorts", "probe.services", "a.value",
        "b.value", "a.", ".b", "core.noop", "core.report", "security.port-scan", "security.http-probe", "nope.nope",
        "\\u0000", "\\ud800", "\\udc00\\ud800", "\\ud83d\\ude00", "ü", "\\n", "-x", "x\\\\y",
    ];

    private static readonly string[] Numbers = ["0", "1", "-1", "2", "10", "11", "1.5", "3.0", "1e400", "-1e400", "86400", "86401", "99999999999999999999", "-0"];

    private static readonly string[] Components = ["core.noop", "core.report", "security.port-scan", "security.http-probe", "core.ghost"];

    private readonly WorkflowDefinitionReader reader = TestCatalog.Reader();

    [Fact]
    public void Workflow_shaped_documents_with_random_wiring_never_throw()
    {
        var random = new Random(20240611);
        var valid = 0;
        for (var i = 0; i < 3_000; i++)
        {
            var json = RandomWorkflow(random);
            if (Check(json))
            {
                valid++;
            }
        }

        // The generator must also reach the happy path, or it tests less than it seems.
        Assert.True(valid is > 300 and < 2_700, $"{valid} of 3000 generated documents were valid.");
    }

    [Fact]
    public void Mangled_documents_never_throw()
    {
        var random = new Random(7);
        for (var i = 0; i < 4_000; i++)
        {
            var source = i % 4 == 0 ? TestCatalog.Example : RandomWorkflow(random);
            Check(Mangle(source, random));
        }
    }

    [Fact]
    public void Arbitrary_bytes_never_throw()
    {
        var random = new Random(99);
        var example = Encoding.UTF8.GetBytes(TestCatalog.Example);
        for (var i = 0; i < 2_000; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.Next(0, 64)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = (byte[])example.Clone();
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
            }

            AssertWellFormed(reader.Read(bytes));
        }
    }

    [Property(MaxTest = 2_000)]
    public void Any_string_is_parsed_and_validated_without_throwing(string json)
    {
        AssertWellFormed(WorkflowParser.Parse(json));
        AssertWellFormed(reader.Read(json));
    }

    [Property(MaxTest = 1_000)]
    public void Any_bytes_are_parsed_and_validated_without_throwing(byte[] utf8)
    {
        AssertWellFormed(reader.Read(utf8 ?? []));
    }

    [Fact]
    public void Literal_inputs_outside_their_declared_rules_are_refused_naming_the_input()
    {
        var random = new Random(5);
        foreach (var (input, value, valid) in new[]
        {
            ("limit", "-1", false), ("limit", "1001", false), ("limit", "1e400", false), ("limit", "99999999999999999999", false),
            ("limit", "0", true), ("limit", "1000", true), ("ports", "\"80,1-70000\"", true), ("ports", "\"80;rm\"", false), ("ports", "\"\"", false),
        })
        {
            var portsInput = input == "ports" ? ", \"ports\": " + value : "";
            var limitInput = input == "limit" ? ", \"limit\": " + value : "";
            var json = "{ \"id\": \"r\", \"name\": \"r\", \"nodes\": ["
                + "{ \"id\": \"scan\", \"component\": \"security.port-scan\", \"inputs\": { \"host\": \"h\"" + portsInput + " } },"
                + "{ \"id\": \"report\", \"component\": \"core.report\", \"inputs\": { \"findings\": 1" + limitInput + " } } ] }";
            var result = reader.Read(json);
            Assert.True(result.IsValid == valid, $"{input} = {value}: {string.Join("; ", result.Problems.Select(p => p.Message))}");
            if (!valid)
            {
                Assert.Contains(result.Problems, p => p.Field == (input == "ports" ? "/nodes/0/inputs/ports" : "/nodes/1/inputs/limit"));
            }

            // And the same document mangled still never throws.
            Check(Mangle(json, random));
        }
    }

    /// <summary>Reads a document and checks the result is coherent; true when it was valid.</summary>
    private bool Check(string json)
    {
        var parsed = WorkflowParser.Parse(json);
        AssertWellFormed(parsed);
        var result = reader.Read(json);
        AssertWellFormed(result);

        // Validation only ever adds problems to the parser's.
        Assert.True(parsed.IsValid || !result.IsValid);
        if (!result.IsValid)
        {
            return false;
        }

        var graph = new WorkflowGraph(result.Workflow);
        Assert.Equal(result.Workflow.Nodes.Count, graph.TopologicalOrder.Count);
        Assert.Equal(result.Workflow.Nodes.Count, graph.Levels.Sum(l => l.Count));
        foreach (var id in graph.TopologicalOrder)
        {
            _ = graph.Descendants(id);
        }

        return true;
    }

    private static void AssertWellFormed(WorkflowParseResult result)
    {
        Assert.Equal(result.Problems.Count == 0, result.IsValid);
        Assert.Equal(result.IsValid, result.Workflow is not null);
        foreach (var problem in result.Problems)
        {
            Assert.StartsWith("/", problem.Field, StringComparison.Ordinal);
            Assert.Contains(problem.Code, Codes);
            Assert.False(string.IsNullOrWhiteSpace(problem.Message));
        }
    }

    /// <summary>Half the documents are well-formed DAGs with random wiring; the other half break rules at random.</summary>
    private static string RandomWorkflow(Random random)
    {
        var chaotic = random.Next(2) == 0;
        bool Break(int oneIn) => chaotic && random.Next(oneIn) == 0;

        var count = random.Next(1, 12);
        var ids = Enumerable.Range(0, count).Select(i => Break(6) ? Pick(random, Strings) : $"n{i}").ToArray();
        var text = new StringBuilder();
        text.Append("{\"id\":\"w\",\"name\":\"W\",");
        if (Break(5))
        {
            text.Append($"\"{Pick(random, Keys)}\":{RandomValue(random, 0)},");
        }

        text.Append("\"nodes\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var component = Break(3) ? Pick(random, Components) : "core.noop";
            text.Append($"{{\"id\":\"{ids[i]}\",\"component\":\"{component}\"");

            // Edges point at earlier nodes, so the document is a DAG unless chaos adds a forward edge or a stray id.
            var dependsOn = new List<string>();
            for (var k = i == 0 ? 0 : random.Next(0, 3); k > 0; k--)
            {
                dependsOn.Add(Break(6) ? Pick(random, Strings) : ids[random.Next(i)]);
            }

            if (Break(4))
            {
                dependsOn.Add(ids[random.Next(count)]);
            }

            text.Append($",\"dependsOn\":[{string.Join(",", dependsOn.Select(id => $"\"{id}\""))}]");

            var inputs = new List<string>();
            if (i > 0 && random.Next(2) == 0)
            {
                inputs.Add($"\"value\":{{\"$ref\":\"{ids[random.Next(i)]}.value\"}}");
            }
            else if (random.Next(2) == 0)
            {
                inputs.Add(chaotic ? $"\"value\":{RandomValue(random, 0)}" : "\"value\":[1,\"two\",{\"three\":null}]");
            }

            for (var k = chaotic ? random.Next(0, 3) : 0; k > 0; k--)
            {
                inputs.Add($"\"{Pick(random, Keys)}\":{RandomValue(random, 0)}");
            }

            text.Append($",\"inputs\":{{{string.Join(",", inputs.Distinct())}}}");
            if (random.Next(4) == 0)
            {
                var attempts = chaotic ? Pick(random, Numbers) : random.Next(1, 11).ToString(CultureInfo.InvariantCulture);
                var backoff = chaotic ? Pick(random, Numbers) : "1.5";
                text.Append($",\"retry\":{{\"maxAttempts\":{attempts},\"backoffSeconds\":{backoff}}}");
            }

            if (random.Next(4) == 0)
            {
                text.Append($",\"timeoutSeconds\":{(chaotic ? Pick(random, Numbers) : "60")}");
            }

            text.Append('}');
        }

        text.Append("]}");
        return text.ToString();
    }

    private static string RandomValue(Random random, int depth)
    {
        var kind = random.Next(depth > 3 ? 5 : 7);
        return kind switch
        {
            0 => $"\"{Pick(random, Strings)}\"",
            1 => Pick(random, Numbers),
            2 => random.Next(2) == 0 ? "true" : "null",
            3 => $"{{\"$ref\":{(random.Next(3) == 0 ? Pick(random, Numbers) : $"\"{Pick(random, Strings)}\"")}}}",
            4 => random.Next(20) == 0 ? new string('[', 70) + new string(']', 70) : "[]",
            5 => $"[{string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(random, depth + 1)))}]",
            _ => $"{{{string.Join(",", Enumerable.Range(0, random.Next(0, 3)).Select(k => $"\"{Pick(random, Keys)}{k}\":{RandomValue(random, depth + 1)}"))}}}",
        };
    }

    private static string Mangle(string json, Random random)
    {
        var text = new StringBuilder(json);
        const string alphabet = "{}[]\",:\\0123456789.-eE truefalsnl$/\u0000\ud800\u00fc";
        for (var edits = random.Next(1, 6); edits > 0 && text.Length > 0; edits--)
        {
            var at = random.Next(text.Length);
            switch (random.Next(5))
            {
                case 0:
                    text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, alphabet[random.Next(alphabet.Length)]);
                    break;
                case 2:
                    text[at] = alphabet[random.Next(alphabet.Length)];
                    break;
                case 3:
                    var length = Math.Min(random.Next(1, 40), text.Length - at);
                    text.Insert(random.Next(text.Length), text.ToString(at, length));
                    break;
                default:
                    text.Length = at;
                    break;
            }
        }

        return text.ToString();
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
