using System.Collections.ObjectModel;

namespace ShipSec.Shared.Dsl;

/// <summary>
/// The dependency graph of a valid workflow: what each node waits for, what waits for it, and orders to
/// run it in. Dependencies are a node's <c>dependsOn</c> entries and the nodes its top-level <c>$ref</c>
/// inputs name. Everything is computed once at construction, so Dependencies, Dependents and the orders
/// allocate nothing per call (Descendants allocates its result; <see cref="NodeReadiness"/> says which nodes may start); every list is
/// in a deterministic order (written order, or topological order with ties in written order), so an
/// orchestrator can use it during replay.
/// </summary>
public sealed class WorkflowGraph
{
    private static readonly ReadOnlyCollection<string> None = ReadOnlyCollection<string>.Empty;

    private readonly Dictionary<string, int> indexById;
    private readonly ReadOnlyCollection<NodeDefinition> nodes;
    private readonly int[][] dependencies;
    private readonly int[][] dependents;
    private readonly int[] topologicalPosition;
    private readonly ReadOnlyCollection<string>[] dependencyIds;
    private readonly ReadOnlyCollection<string>[] dependentIds;

    /// <summary>
    /// Builds the graph of a definition that <see cref="WorkflowValidator"/> accepted. Throws
    /// <see cref="ArgumentException"/> when node ids are missing or repeated, a dependency names an unknown
    /// node or the node itself, or the nodes form a cycle.
    /// </summary>
    public WorkflowGraph(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(definition.Nodes, nameof(definition));
        Definition = definition;
        nodes = new ReadOnlyCollection<NodeDefinition>([.. definition.Nodes]);
        var count = nodes.Count;

        indexById = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var id = nodes[i]?.Id;
            if (string.IsNullOrEmpty(id) || !indexById.TryAdd(id, i))
            {
                throw new ArgumentException($"The node at /nodes/{i} has a missing or repeated id; validate the workflow first.", nameof(definition));
            }
        }

        foreach (var node in nodes)
        {
            foreach (var id in node.DependencyIds())
            {
                if (id == node.Id || id is null || !indexById.ContainsKey(id))
                {
                    throw new ArgumentException($"Node '{node.Id}' depends on '{id}', which is not another node of the workflow; validate the workflow first.", nameof(definition));
                }
            }
        }

        dependencies = NodeDependencies.Resolve(nodes, indexById);
        dependents = Invert(dependencies);

        var order = SortTopologically(dependencies, dependents)
            ?? throw new ArgumentException("The workflow's nodes form a cycle; validate the workflow first.", nameof(definition));
        topologicalPosition = new int[count];
        for (var position = 0; position < count; position++)
        {
            topologicalPosition[order[position]] = position;
        }

        NodeIds = Ids(Enumerable.Range(0, count));
        TopologicalOrder = Ids(order);
        Levels = BuildLevels(order);
        dependencyIds = [.. dependencies.Select(Ids)];
        dependentIds = [.. dependents.Select(Ids)];
    }

    /// <summary>The definition the graph was built from.</summary>
    public WorkflowDefinition Definition { get; }

    /// <summary>The nodes, in written order.</summary>
    public IReadOnlyList<NodeDefinition> Nodes => nodes;

    /// <summary>The node ids, in written order.</summary>
    public IReadOnlyList<string> NodeIds { get; }

    /// <summary>Every node after all of its dependencies; among nodes free to go at the same point, the one written first goes first.</summary>
    public IReadOnlyList<string> TopologicalOrder { get; }

    /// <summary>
    /// Nodes grouped by depth: level 0 has no dependencies, level n nodes depend on some node of level n-1
    /// and none deeper. Within a level, nodes are in written order.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Levels { get; }

    /// <summary>True when the workflow has a node with this id.</summary>
    public bool Contains(string nodeId) => nodeId is not null && indexById.ContainsKey(nodeId);

    /// <summary>The node with this id.</summary>
    public NodeDefinition Node(string nodeId) => nodes[IndexOf(nodeId)];

    /// <summary>The nodes <paramref name="nodeId"/> waits for directly, in written order, each once.</summary>
    public IReadOnlyList<string> Dependencies(string nodeId) => dependencyIds[IndexOf(nodeId)];

    /// <summary>The nodes that wait directly for <paramref name="nodeId"/>, in written order.</summary>
    public IReadOnlyList<string> Dependents(string nodeId) => dependentIds[IndexOf(nodeId)];

    /// <summary>
    /// Every node that depends on <paramref name="nodeId"/> directly or transitively, in topological order,
    /// not including the node itself: what to skip when it fails.
    /// </summary>
    public IReadOnlyList<string> Descendants(string nodeId)
    {
        var start = IndexOf(nodeId);
        if (dependents[start].Length == 0)
        {
            return None;
        }

        var reached = new bool[nodes.Count];
        var pending = new Stack<int>();
        pending.Push(start);
        var found = 0;
        while (pending.TryPop(out var current))
        {
            foreach (var dependent in dependents[current])
            {
                if (!reached[dependent])
                {
                    reached[dependent] = true;
                    found++;
                    pending.Push(dependent);
                }
            }
        }

        var result = new string[found];
        var next = 0;
        foreach (var id in TopologicalOrder)
        {
            if (reached[indexById[id]])
            {
                result[next++] = id;
            }
        }

        return Array.AsReadOnly(result);
    }

    private int IndexOf(string nodeId)
        => nodeId is not null && indexById.TryGetValue(nodeId, out var index)
            ? index
            : throw new ArgumentException($"The workflow has no node '{nodeId}'.", nameof(nodeId));

    private ReadOnlyCollection<string> Ids(IEnumerable<int> indices)
    {
        string[] ids = [.. indices.Select(i => nodes[i].Id)];
        return ids.Length == 0 ? None : Array.AsReadOnly(ids);
    }

    private static int[][] Invert(int[][] edges)
    {
        var counts = new int[edges.Length];
        foreach (var targets in edges)
        {
            foreach (var target in targets)
            {
                counts[target]++;
            }
        }

        var inverted = new int[edges.Length][];
        for (var i = 0; i < edges.Length; i++)
        {
            inverted[i] = counts[i] == 0 ? [] : new int[counts[i]];
            counts[i] = 0;
        }

        // Sources are visited in index order, so each inverted list comes out in written order.
        for (var source = 0; source < edges.Length; source++)
        {
            foreach (var target in edges[source])
            {
                inverted[target][counts[target]++] = source;
            }
        }

        return inverted;
    }

    /// <summary>Kahn's algorithm, always taking the earliest-written ready node; null when a cycle leaves nodes behind.</summary>
    private static int[]? SortTopologically(int[][] dependencies, int[][] dependents)
    {
        var count = dependencies.Length;
        var waitingFor = new int[count];
        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < count; i++)
        {
            waitingFor[i] = dependencies[i].Length;
            if (waitingFor[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new int[count];
        var placed = 0;
        while (ready.TryDequeue(out var node, out _))
        {
            order[placed++] = node;
            foreach (var dependent in dependents[node])
            {
                if (--waitingFor[dependent] == 0)
                {
                    ready.Enqueue(dependent, dependent);
                }
            }
        }

        return placed == count ? order : null;
    }

    private ReadOnlyCollection<IReadOnlyList<string>> BuildLevels(int[] order)
    {
        var level = new int[order.Length];
        var depth = 0;
        foreach (var node in order)
        {
            foreach (var dependency in dependencies[node])
            {
                level[node] = Math.Max(level[node], level[dependency] + 1);
            }

            depth = Math.Max(depth, level[node] + 1);
        }

        var levels = new List<string>[order.Length == 0 ? 0 : depth];
        for (var i = 0; i < levels.Length; i++)
        {
            levels[i] = [];
        }

        for (var node = 0; node < order.Length; node++)
        {
            levels[level[node]].Add(nodes[node].Id);
        }

        return Array.AsReadOnly<IReadOnlyList<string>>([.. levels.Select(l => l.AsReadOnly())]);
    }
}
