using ShipSec.Shared.Dsl;

namespace ShipSec.Orchestrations;

/// <summary>
/// The scheduling view of a validated workflow: nodes in a stable topological order and each node's
/// dependencies (its <c>dependsOn</c> plus the nodes its inputs reference).
/// </summary>
internal sealed class RunPlan
{
    private readonly Dictionary<string, string[]> dependencies;

    private RunPlan(IReadOnlyList<NodeDefinition> order, Dictionary<string, string[]> dependencies)
    {
        TopologicalOrder = order;
        this.dependencies = dependencies;
    }

    /// <summary>Nodes such that each comes after its dependencies; ties keep the written order.</summary>
    public IReadOnlyList<NodeDefinition> TopologicalOrder { get; }

    public IReadOnlyList<string> Dependencies(string nodeId) => dependencies[nodeId];

    public static RunPlan Build(WorkflowDefinition workflow)
    {
        var dependencies = workflow.Nodes.ToDictionary(
            n => n.Id,
            n => n.DependsOn.Concat(ReferencedNodes(n)).Distinct(StringComparer.Ordinal).ToArray(),
            StringComparer.Ordinal);

        // Kahn's algorithm over the written order; the validator has already rejected cycles.
        var remaining = dependencies.ToDictionary(p => p.Key, p => p.Value.Length, StringComparer.Ordinal);
        var dependents = workflow.Nodes.ToDictionary(n => n.Id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (nodeId, needs) in dependencies)
        {
            foreach (var need in needs)
            {
                dependents[need].Add(nodeId);
            }
        }

        var byId = workflow.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var position = workflow.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var ready = new PriorityQueue<string, int>();
        foreach (var node in workflow.Nodes.Where(n => remaining[n.Id] == 0))
        {
            ready.Enqueue(node.Id, position[node.Id]);
        }

        var order = new List<NodeDefinition>(workflow.Nodes.Count);
        while (ready.TryDequeue(out var nodeId, out _))
        {
            order.Add(byId[nodeId]);
            foreach (var dependent in dependents[nodeId])
            {
                if (--remaining[dependent] == 0)
                {
                    ready.Enqueue(dependent, position[dependent]);
                }
            }
        }

        if (order.Count != workflow.Nodes.Count)
        {
            throw new InvalidOperationException($"Workflow '{workflow.Id}' has a cycle; it should have been rejected by validation.");
        }

        return new RunPlan(order, dependencies);
    }

    /// <summary>Nodes whose outputs a node's inputs reference.</summary>
    public static IEnumerable<string> ReferencedNodes(NodeDefinition node)
        => node.Inputs.Values
            .Select(value => InputReference.TryParse(value, out var reference) ? reference.Value.NodeId : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
}
