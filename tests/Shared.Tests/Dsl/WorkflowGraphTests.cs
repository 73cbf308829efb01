using ShipSec.Shared.Dsl;

namespace ShipSec.Shared.Tests.Dsl;

public sealed class WorkflowGraphTests
{
    private static WorkflowGraph Graph(string json)
    {
        var result = TestCatalog.Reader().Read(json);
        Assert.True(result.IsValid, ProblemAssertions.Describe(result.Problems));
        return new WorkflowGraph(result.Workflow);
    }

    [Fact]
    public void The_example_runs_scan_then_probe_then_report()
    {
        var graph = Graph(TestCatalog.Example);

        Assert.Equal(["scan", "probe", "report"], graph.TopologicalOrder);
        Assert.Equal([["scan"], ["probe"], ["report"]], graph.Levels);
        Assert.Empty(graph.Dependencies("scan"));
        Assert.Equal(["scan"], graph.Dependencies("probe"));
        Assert.Equal(["scan", "probe"], graph.Dependencies("report"));
        Assert.Equal(["probe", "report"], graph.Dependents("scan"));
        Assert.Equal(["probe", "report"], graph.Descendants("scan"));
        Assert.Equal(["report"], graph.Descendants("probe"));
        Assert.Empty(graph.Descendants("report"));
        Assert.Equal("security.http-probe", graph.Node("probe").Component);
    }

    [Fact]
    public void Ties_go_in_written_order()
    {
        var graph = Graph(TestCatalog.Noops(("c", []), ("a", ["z"]), ("b", []), ("z", [])));

        Assert.Equal(["c", "b", "z", "a"], graph.TopologicalOrder);
        Assert.Equal([["c", "b", "z"], ["a"]], graph.Levels);
        Assert.Equal(["c", "a", "b", "z"], graph.NodeIds);
    }

    [Fact]
    public void A_diamond_has_three_levels_and_its_join_waits_for_both_branches()
    {
        var graph = Graph(TestCatalog.Noops(("join", ["left", "right"]), ("right", ["root"]), ("left", ["root"]), ("root", []), ("alone", [])));

        Assert.Equal([["root", "alone"], ["right", "left"], ["join"]], graph.Levels);
        Assert.Equal(["root", "right", "left", "join", "alone"], graph.TopologicalOrder);
        Assert.Equal(["right", "left"], graph.Dependencies("join"));
        Assert.Equal(["right", "left", "join"], graph.Descendants("root"));
    }

    [Fact]
    public void A_dependency_given_twice_counts_once()
    {
        var graph = Graph("""
            { "id": "w", "name": "W", "nodes": [
              { "id": "a", "component": "core.noop" },
              { "id": "b", "component": "core.noop", "inputs": { "value": { "$ref": "a.value" } }, "dependsOn": ["a", "a"] } ] }
            """);

        Assert.Equal(["a"], graph.Dependencies("b"));
        Assert.Equal(["b"], graph.Dependents("a"));
    }

    [Fact]
    public void A_node_becomes_ready_once_all_its_dependencies_completed_and_only_once()
    {
        var graph = Graph(TestCatalog.Noops(("a", []), ("b", []), ("c", ["a"]), ("d", ["a", "b"])));
        var readiness = new NodeReadiness(graph, new HashSet<string>());

        Assert.Equal(["a", "b"], TakeAll(readiness));
        readiness.Completed("a");
        Assert.Equal(["c"], TakeAll(readiness));
        readiness.Completed("b");
        Assert.Equal(["d"], TakeAll(readiness));
        readiness.Completed("c");
        readiness.Completed("d");
        Assert.Empty(TakeAll(readiness));
    }

    [Fact]
    public void Nodes_reused_from_a_parent_run_are_never_ready_and_release_their_dependents()
    {
        var graph = Graph(TestCatalog.Noops(("a", []), ("b", []), ("c", ["a"]), ("d", ["a", "b"])));
        var readiness = new NodeReadiness(graph, new HashSet<string> { "a" });

        Assert.Equal(["b", "c"], TakeAll(readiness));
        readiness.Completed("b");
        Assert.Equal(["d"], TakeAll(readiness));
    }

    private static List<string> TakeAll(NodeReadiness readiness)
    {
        var taken = new List<string>();
        while (readiness.TryTake(out var nodeId))
        {
            taken.Add(nodeId);
        }

        return taken;
    }

    [Fact]
    public void A_graph_is_not_built_from_a_definition_with_a_cycle_or_unknown_node()
    {
        var cyclic = WorkflowParser.Parse(TestCatalog.Noops(("a", ["b"]), ("b", ["a"]))).Workflow!;
        var dangling = WorkflowParser.Parse(TestCatalog.Noops(("a", ["ghost"]))).Workflow!;
        var repeated = WorkflowParser.Parse(TestCatalog.Noops(("a", []), ("a", []))).Workflow!;

        Assert.Contains("cycle", Assert.Throws<ArgumentException>(() => new WorkflowGraph(cyclic)).Message, StringComparison.Ordinal);
        Assert.Contains("ghost", Assert.Throws<ArgumentException>(() => new WorkflowGraph(dangling)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new WorkflowGraph(repeated));
    }

    [Fact]
    public void Asking_about_a_node_that_is_not_there_names_it()
    {
        var graph = Graph(TestCatalog.Example);

        Assert.Contains("'ghost'", Assert.Throws<ArgumentException>(() => graph.Dependents("ghost")).Message, StringComparison.Ordinal);
        Assert.False(graph.Contains("ghost"));
        Assert.True(graph.Contains("scan"));
    }

    [Fact]
    public void A_wide_fan_out_and_fan_in_is_two_levels_apart()
    {
        var leaves = Enumerable.Range(0, 5_000).Select(i => ($"leaf{i}", new[] { "root" }));
        var graph = Graph(TestCatalog.Noops([("root", []), .. leaves, ("sink", [.. Enumerable.Range(0, 5_000).Select(i => $"leaf{i}")])]));

        Assert.Equal(3, graph.Levels.Count);
        Assert.Equal(5_000, graph.Levels[1].Count);
        Assert.Equal("sink", graph.TopologicalOrder[^1]);
        Assert.Equal(5_001, graph.Descendants("root").Count);
    }
}
