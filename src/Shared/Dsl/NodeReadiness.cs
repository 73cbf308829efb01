namespace ShipSec.Shared.Dsl;

/// <summary>
/// Which nodes of a run may start: each node counts the dependencies it still waits for, and a node that completes
/// releases its dependents. Every node and edge is visited once over a whole run (O(V+E)), where scanning all nodes
/// after each completion cost O(V·E). Nodes become ready in a deterministic order (their dependencies' completion
/// order, ties in topological order), as an orchestrator's replay requires. The one rule of when a node may start.
/// </summary>
public sealed class NodeReadiness
{
    private readonly WorkflowGraph graph;
    private readonly Dictionary<string, int> waitingFor;
    private readonly Queue<string> ready = new();

    /// <summary>Starts with every node waiting except those in <paramref name="done"/> (reused from a parent run).</summary>
    public NodeReadiness(WorkflowGraph graph, IReadOnlySet<string> done)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(done);
        this.graph = graph;
        waitingFor = new Dictionary<string, int>(graph.Nodes.Count, StringComparer.Ordinal);
        foreach (var nodeId in graph.TopologicalOrder)
        {
            if (done.Contains(nodeId))
            {
                continue;
            }

            var count = 0;
            foreach (var dependency in graph.Dependencies(nodeId))
            {
                count += done.Contains(dependency) ? 0 : 1;
            }

            waitingFor[nodeId] = count;
            if (count == 0)
            {
                ready.Enqueue(nodeId);
            }
        }
    }

    /// <summary>How many nodes may start now.</summary>
    public int Count => ready.Count;

    /// <summary>Takes the next node that may start.</summary>
    public bool TryTake(out string nodeId) => ready.TryDequeue(out nodeId!);

    /// <summary>Records that <paramref name="nodeId"/> completed with outputs: dependents waiting for nothing else become ready.</summary>
    public void Completed(string nodeId)
    {
        foreach (var dependent in graph.Dependents(nodeId))
        {
            if (waitingFor.TryGetValue(dependent, out var count) && --count >= 0)
            {
                waitingFor[dependent] = count;
                if (count == 0)
                {
                    ready.Enqueue(dependent);
                }
            }
        }
    }
}
