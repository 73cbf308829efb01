using System.Text.Json;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Dsl;

/// <summary>Masks literal values of inputs their component declares secret, before a definition leaves the API.</summary>
public static class WorkflowRedaction
{
    private static readonly JsonElement Masked = JsonSerializer.SerializeToElement(SecretRedactor.Mask);

    /// <summary>The definition with every secret literal input replaced by <see cref="SecretRedactor.Mask"/>.</summary>
    public static WorkflowDefinition Redact(WorkflowDefinition definition, IComponentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(catalog);
        return definition with { Nodes = [.. definition.Nodes.Select(node => Redact(node, catalog))] };
    }

    /// <summary>The node with every secret literal input replaced by <see cref="SecretRedactor.Mask"/>.</summary>
    public static NodeDefinition Redact(NodeDefinition node, IComponentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(catalog);
        if (!catalog.TryGet(node.Component, out var component))
        {
            return node;
        }

        var secret = component.Descriptor.Inputs.Where(i => i.Secret).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        return secret.Overlaps(node.Inputs.Keys)
            ? node with
            {
                Inputs = node.Inputs.ToDictionary(
                    pair => pair.Key,
                    pair => secret.Contains(pair.Key) && !InputReference.IsReference(pair.Value) ? Masked : pair.Value,
                    StringComparer.Ordinal),
            }
            : node;
    }
}
