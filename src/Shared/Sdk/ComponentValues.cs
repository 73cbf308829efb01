using System.Text.Json;
using ShipSec.Shared.Json;

namespace ShipSec.Shared.Sdk;

/// <summary>Resolved input values of one node, read by name with the type the component expects.</summary>
public sealed class ComponentInputs(IReadOnlyDictionary<string, JsonElement> values)
{
    /// <summary>The raw values.</summary>
    public IReadOnlyDictionary<string, JsonElement> Values { get; } = values ?? throw new ArgumentNullException(nameof(values));

    /// <summary>True when the input was given (and is not JSON null).</summary>
    public bool Has(string name) => Values.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>The input converted to <typeparamref name="T"/>; throws a message naming the input when missing or mistyped.</summary>
    public T Get<T>(string name)
    {
        if (!Values.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new ComponentInputException(name, "is required but was not given");
        }

        try
        {
            return value.Deserialize<T>(ShipSecJson.Options)
                ?? throw new ComponentInputException(name, $"must be a {typeof(T).Name}");
        }
        catch (JsonException)
        {
            throw new ComponentInputException(name, $"must be a {typeof(T).Name}, got {value.ValueKind}");
        }
    }

    /// <summary>The input converted to <typeparamref name="T"/>, or <paramref name="fallback"/> when absent.</summary>
    public T GetOrDefault<T>(string name, T fallback) => Has(name) ? Get<T>(name) : fallback;
}

/// <summary>An input is missing or has the wrong type; its message names the input.</summary>
public sealed class ComponentInputException : Exception
{
    /// <summary>An input problem, such as "is required but was not given".</summary>
    public ComponentInputException(string input, string problem)
        : base($"Input '{input}' {problem}.") => Input = input;

    /// <summary>An input problem without detail.</summary>
    public ComponentInputException() { }

    /// <summary>An input problem caused by another exception.</summary>
    public ComponentInputException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The input at fault.</summary>
    public string? Input { get; }
}

/// <summary>The outputs of a completed attempt, by declared output name.</summary>
public sealed class ComponentOutputs
{
    private readonly Dictionary<string, JsonElement> values = new(StringComparer.Ordinal);

    /// <summary>The outputs as JSON.</summary>
    public IReadOnlyDictionary<string, JsonElement> Values => values;

    /// <summary>No outputs.</summary>
    public static ComponentOutputs Empty => new();

    /// <summary>Adds an output, serialised with the ShipSec JSON rules.</summary>
    public ComponentOutputs With<T>(string name, T value)
    {
        values[name] = JsonSerializer.SerializeToElement(value, ShipSecJson.Options);
        return this;
    }
}

/// <summary>
/// Thrown when the deployment's policy forbids what a component was asked to do (a disabled component, a
/// program not on an allow-list). The attempt fails with <see cref="Kind"/> and is not retried: trying again
/// cannot change the policy.
/// </summary>
public sealed class ComponentRefusedException : Exception
{
    /// <summary>A refusal of kind <paramref name="kind"/> (such as <c>exec-disabled</c>) with a message saying what to change.</summary>
    public ComponentRefusedException(string kind, string message)
        : base(message) => Kind = kind;

    /// <summary>A refusal without detail.</summary>
    public ComponentRefusedException() => Kind = "refused";

    /// <summary>A refusal with a message.</summary>
    public ComponentRefusedException(string message) : base(message) => Kind = "refused";

    /// <summary>A refusal caused by another exception.</summary>
    public ComponentRefusedException(string message, Exception innerException) : base(message, innerException) => Kind = "refused";

    /// <summary>The failure kind recorded in the trace, such as <c>exec-disabled</c> or <c>command-not-allowed</c>.</summary>
    public string Kind { get; }
}
