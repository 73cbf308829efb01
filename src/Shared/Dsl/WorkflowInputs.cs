using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Dsl;

/// <summary>
/// <c>{"$input": "name"}</c>: the value of a workflow input, wherever a literal may stand in a node's inputs
/// (at the top or nested in arrays and objects). Like <c>$ref</c>, only an object whose sole property is
/// <c>$input</c> is a binding.
/// </summary>
public static class WorkflowInputBinding
{
    /// <summary>The property name that marks a binding.</summary>
    public const string PropertyName = "$input";

    /// <summary>True when <paramref name="value"/> is an object whose only property is <c>$input</c>.</summary>
    public static bool IsBinding(JsonElement value)
        => value.ValueKind == JsonValueKind.Object
           && value.TryGetProperty(PropertyName, out _)
           && value.EnumerateObject().Count() == 1;

    /// <summary>The input a binding names; false for a literal or a binding whose target is not a string.</summary>
    public static bool TryGetName(JsonElement value, [NotNullWhen(true)] out string? name)
    {
        name = null;
        if (!IsBinding(value) || value.GetProperty(PropertyName) is not { ValueKind: JsonValueKind.String } target)
        {
            return false;
        }

        name = target.GetString()!;
        return true;
    }

    /// <summary>Every binding inside <paramref name="value"/> with its JSON-pointer path under <paramref name="path"/>; a null name marks a malformed one.</summary>
    public static IEnumerable<(string Path, string? Name)> Find(JsonElement value, string path)
    {
        if (IsBinding(value))
        {
            yield return (path, TryGetName(value, out var name) ? name : null);
            yield break;
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                foreach (var found in Find(item, WorkflowPaths.Append(path, index++)))
                {
                    yield return found;
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                foreach (var found in Find(property.Value, WorkflowPaths.Append(path, property.Name)))
                {
                    yield return found;
                }
            }
        }
    }

    /// <summary><paramref name="value"/> with every binding replaced by its input's value (JSON null for an input without one).</summary>
    public static JsonElement Substitute(JsonElement value, IReadOnlyDictionary<string, JsonElement> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Find(value, WorkflowPaths.Root).Any())
        {
            return value;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value, inputs);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value, IReadOnlyDictionary<string, JsonElement> inputs)
    {
        if (TryGetName(value, out var name))
        {
            if (inputs.TryGetValue(name, out var bound))
            {
                bound.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }

            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item, inputs);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, inputs);
                }

                writer.WriteEndObject();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}

/// <summary>The input values a run starts with, checked against the workflow's declared inputs.</summary>
/// <param name="Values">Every declared input that has a value (given, or its default), by name.</param>
/// <param name="Problems">What is wrong, each at <c>/inputs/&lt;name&gt;</c>; empty when the run may start.</param>
public sealed record WorkflowInputCheck(IReadOnlyDictionary<string, JsonElement> Values, IReadOnlyList<WorkflowProblem> Problems)
{
    /// <summary>True when the run may start.</summary>
    public bool IsValid => Problems.Count == 0;
}

/// <summary>Checks and masks workflow input values: the one rule for defaults (at registration) and given values (at start).</summary>
public static class WorkflowInputValues
{
    private static readonly JsonElement Masked = JsonSerializer.SerializeToElement(SecretRedactor.Mask);

    /// <summary>Why <paramref name="value"/> is not a valid <paramref name="type"/>, or null when it is.</summary>
    public static string? TypeProblem(WorkflowInputType type, JsonElement value) => type switch
    {
        WorkflowInputType.String => value.ValueKind == JsonValueKind.String ? null : $"must be a string, not {WorkflowPaths.Describe(value)}",
        WorkflowInputType.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _) ? null : $"must be a whole number, not {Shown(value)}",
        WorkflowInputType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"must be true or false, not {Shown(value)}",
        WorkflowInputType.StringArray => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String)
            ? null
            : $"must be an array of strings, not {WorkflowPaths.Describe(value)}",
        WorkflowInputType.Host => value.ValueKind != JsonValueKind.String
            ? $"must be a host name, IP address or CIDR network (a string), not {WorkflowPaths.Describe(value)}"
            : TargetHost.TryParse(value.GetString(), out _) ? null : $"'{WorkflowPaths.Shorten(value.GetString())}' is not a host name, an IP address or a CIDR network",
        WorkflowInputType.Ports => value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out var port) && port is >= 1 and <= 65535 ? null : $"{value.GetRawText()} is not a port (1-65535)",
            JsonValueKind.String => PortSpec.TryParse(value.GetString()!, out _, out var problem) ? null : problem,
            _ => $"must be a port list such as \"22,80,8000-8100\", not {WorkflowPaths.Describe(value)}",
        },
        _ => null,
    };

    /// <summary>
    /// Checks the values given at start (<paramref name="given"/>, null when the request had none): every
    /// required input without a default given, no unknown input, every value of its declared type. Defaults
    /// fill what was not given. Scope is checked separately (it needs DNS), see <see cref="TargetScope"/>.
    /// </summary>
    public static WorkflowInputCheck Check(WorkflowDefinition workflow, IReadOnlyDictionary<string, JsonElement>? given)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var declared = workflow.Inputs ?? new Dictionary<string, WorkflowInputDefinition>();
        var problems = new List<WorkflowProblem>();
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in given ?? new Dictionary<string, JsonElement>())
        {
            var field = WorkflowPaths.Append("/inputs", name);
            if (!declared.TryGetValue(name, out var input))
            {
                var known = declared.Count == 0 ? "it declares no inputs" : $"its inputs are {string.Join(", ", declared.Keys)}";
                problems.Add(new WorkflowProblem(field, WorkflowProblemCodes.UnknownInput, $"Workflow '{workflow.Id}' has no input '{WorkflowPaths.Shorten(name)}'; {known}."));
                continue;
            }

            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                continue;
            }

            if (TypeProblem(input.Type, value) is { } problem)
            {
                problems.Add(new WorkflowProblem(field, WorkflowProblemCodes.InvalidValue, $"Input '{WorkflowPaths.Shorten(name)}' {problem}."));
                continue;
            }

            values[name] = value.Clone();
        }

        foreach (var (name, input) in declared)
        {
            if (values.ContainsKey(name) || problems.Exists(p => p.Field == WorkflowPaths.Append("/inputs", name)))
            {
                continue;
            }

            if (input.Default is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } fallback)
            {
                values[name] = fallback;
            }
            else if (input.Required)
            {
                var meaning = string.IsNullOrWhiteSpace(input.Description) ? string.Empty : $" ({input.Description.TrimEnd('.')})";
                problems.Add(new WorkflowProblem(WorkflowPaths.Append("/inputs", name), WorkflowProblemCodes.MissingInput, $"Input '{name}'{meaning} is required."));
            }
        }

        return new WorkflowInputCheck(values, problems);
    }

    /// <summary>
    /// SHA-256 (hex) of <paramref name="values"/> in a canonical form (names in ordinal order, each value as
    /// compact JSON): equal for runs started with the same values, secrets included, while revealing none of them.
    /// </summary>
    public static string Digest(IReadOnlyDictionary<string, JsonElement> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in values.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>The values with those of secret inputs replaced by <see cref="SecretRedactor.Mask"/>.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Mask(WorkflowDefinition workflow, IReadOnlyDictionary<string, JsonElement> values)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(values);
        return values.ToDictionary(
            pair => pair.Key,
            pair => workflow.Inputs.TryGetValue(pair.Key, out var input) && input.Secret ? Masked : pair.Value,
            StringComparer.Ordinal);
    }

    private static string Shown(JsonElement value) => value.ValueKind is JsonValueKind.Number ? value.GetRawText() : WorkflowPaths.Describe(value);
}
