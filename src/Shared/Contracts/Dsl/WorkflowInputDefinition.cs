using System.Text.Json;
using System.Text.Json.Serialization;

namespace ShipSec.Shared.Dsl;

/// <summary>Types of workflow inputs, as written in the DSL.</summary>
#pragma warning disable CA1720 // The members are the DSL's type names on purpose.
public enum WorkflowInputType
{
    /// <summary>Any text.</summary>
    [JsonStringEnumMemberName("string")] String,

    /// <summary>A whole number.</summary>
    [JsonStringEnumMemberName("integer")] Integer,

    /// <summary>true or false.</summary>
    [JsonStringEnumMemberName("boolean")] Boolean,

    /// <summary>An array of strings.</summary>
    [JsonStringEnumMemberName("string[]")] StringArray,

    /// <summary>A host name, an IPv4/IPv6 address or a CIDR network; checked against the deployment's scope at start.</summary>
    [JsonStringEnumMemberName("host")] Host,

    /// <summary>A port list or range such as <c>22,80,8000-8100</c> (or one port as a number).</summary>
    [JsonStringEnumMemberName("ports")] Ports,
}
#pragma warning restore CA1720

/// <summary>A declared workflow input: given when a run starts, read by nodes with <c>{"$input": "name"}</c>.</summary>
public sealed record WorkflowInputDefinition
{
    /// <summary>Its type.</summary>
    public required WorkflowInputType Type { get; init; }

    /// <summary>True when a run must give it (unless it has a default).</summary>
    public bool Required { get; init; }

    /// <summary>The value used when a run does not give one.</summary>
    public JsonElement? Default { get; init; }

    /// <summary>What it means, shown in the start form.</summary>
    public string? Description { get; init; }

    /// <summary>True when its value must never be shown: masked in the run record, the trace and every response.</summary>
    public bool Secret { get; init; }
}
