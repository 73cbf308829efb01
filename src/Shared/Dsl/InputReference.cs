using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ShipSec.Shared.Dsl;

/// <summary>
/// A reference from a node input to an upstream node's output, written in the DSL as
/// <c>{"$ref": "nodeId.outputName"}</c>. The referenced node becomes an implicit dependency.
/// </summary>
public readonly record struct InputReference(string NodeId, string Output)
{
    /// <summary>The property name that marks a reference object.</summary>
    public const string PropertyName = "$ref";

    /// <summary>True when <paramref name="value"/> is an object whose only property is <c>$ref</c>.</summary>
    public static bool IsReference(JsonElement value)
        => value.ValueKind == JsonValueKind.Object
           && value.TryGetProperty(PropertyName, out _)
           && value.EnumerateObject().Count() == 1;

    /// <summary>Parses a reference object; false when it is a literal or malformed.</summary>
    public static bool TryParse(JsonElement value, [NotNullWhen(true)] out InputReference? reference)
    {
        reference = null;
        if (!IsReference(value) || value.GetProperty(PropertyName) is not { ValueKind: JsonValueKind.String } target)
        {
            return false;
        }

        var text = target.GetString()!;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == text.Length - 1)
        {
            return false;
        }

        reference = new InputReference(text[..dot], text[(dot + 1)..]);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{NodeId}.{Output}";
}
