using System.Text.Json;

namespace ShipSec.Shared.Dsl;

/// <summary>What a node depends on: its <c>dependsOn</c> entries and the nodes its top-level <c>$ref</c> inputs name.</summary>
public static class NodeDependencies
{
    /// <summary>
    /// The <c>$ref</c> inputs of a node, by input name, in the order written. Only an input value that is an
    /// object whose sole property is <c>$ref</c> is a reference; <c>$ref</c> deeper inside a value is a literal.
    /// Malformed references (not <c>"node.output"</c>) are left out: the validator reports them.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, InputReference>> References(this NodeDefinition node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Inputs is null)
        {
            yield break;
        }

        foreach (var (name, value) in node.Inputs)
        {
            if (Classify(value, out var reference) == InputKind.Reference)
            {
                yield return new(name, reference);
            }
        }
    }

    /// <summary>The ids of the nodes this node depends on, as written (duplicates possible): dependsOn first, then references.</summary>
    public static IEnumerable<string> DependencyIds(this NodeDefinition node)
    {
        ArgumentNullException.ThrowIfNull(node);
        foreach (var id in node.DependsOn ?? [])
        {
            yield return id;
        }

        foreach (var (_, reference) in node.References())
        {
            yield return reference.NodeId;
        }
    }

    /// <summary>
    /// Dependency edges by node index: for each node, the distinct indices of the nodes it depends on, in
    /// written order. Ids resolve to the first node carrying them; unknown ids and self-edges are left out.
    /// </summary>
    internal static int[][] Resolve(IReadOnlyList<NodeDefinition?> nodes, Dictionary<string, int> indexById)
    {
        var edges = new int[nodes.Count][];
        var scratch = new List<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            scratch.Clear();
            if (nodes[i] is { } node)
            {
                foreach (var id in node.DependencyIds())
                {
                    if (id is not null && indexById.TryGetValue(id, out var target) && target != i)
                    {
                        scratch.Add(target);
                    }
                }
            }

            if (scratch.Count == 0)
            {
                edges[i] = [];
                continue;
            }

            scratch.Sort();
            var distinct = 1;
            for (var k = 1; k < scratch.Count; k++)
            {
                if (scratch[k] != scratch[distinct - 1])
                {
                    scratch[distinct++] = scratch[k];
                }
            }

            edges[i] = [.. scratch.GetRange(0, distinct)];
        }

        return edges;
    }

    /// <summary>
    /// What an input value is. Never throws: a value whose strings cannot be decoded (an escaped unpaired
    /// surrogate, which the parser reports) counts as a malformed reference rather than an exception.
    /// </summary>
    internal static InputKind Classify(JsonElement value, out InputReference reference)
    {
        reference = default;
        try
        {
            if (!InputReference.IsReference(value))
            {
                return InputKind.Literal;
            }

            if (InputReference.TryParse(value, out var parsed))
            {
                reference = parsed.Value;
                return InputKind.Reference;
            }
        }
        catch (InvalidOperationException)
        {
            // Undecodable text: reported by the parser, treated here as a reference that cannot resolve.
        }

        return InputKind.MalformedReference;
    }

    internal static bool IsNullOrUndefined(JsonElement value)
        => value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;
}

/// <summary>What an input value is, as far as dependencies go.</summary>
internal enum InputKind
{
    /// <summary>A literal value.</summary>
    Literal,

    /// <summary>A well-formed <c>{"$ref": "node.output"}</c>.</summary>
    Reference,

    /// <summary>An object whose only property is <c>$ref</c>, with a target that is not <c>"node.output"</c>.</summary>
    MalformedReference,
}
