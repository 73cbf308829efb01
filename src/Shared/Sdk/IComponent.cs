using System.Text.Json.Serialization;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Sdk;

/// <summary>A workflow building block: declared inputs and outputs, and the work itself.</summary>
public interface IComponent
{
    /// <summary>Name, inputs and outputs, used by the DSL validator and documentation.</summary>
    ComponentDescriptor Descriptor { get; }

    /// <summary>
    /// Runs one attempt. Throw to fail the attempt; the message becomes the NODE_FAILED error. Honour
    /// <see cref="IComponentContext.CancellationToken"/>: it fires on timeout and on run cancellation.
    /// </summary>
    Task<ComponentOutputs> ExecuteAsync(IComponentContext context);
}

/// <summary>What a component runs with: its inputs, and the trace it writes to.</summary>
public interface IComponentContext
{
    /// <summary>The run being executed.</summary>
    string RunId { get; }

    /// <summary>The node being executed.</summary>
    string NodeId { get; }

    /// <summary>The attempt number, from 1.</summary>
    int Attempt { get; }

    /// <summary>Resolved input values (literals and upstream outputs).</summary>
    ComponentInputs Inputs { get; }

    /// <summary>Fires when the attempt times out or the run is cancelled.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>How processes the component starts are confined; the machine's defaults unless the host configures it.</summary>
    ProcessSandbox Sandbox => ProcessSandbox.Default;

    /// <summary>Emits a NODE_LOG event. Never blocks on I/O: events are flushed in the background and before the node ends.</summary>
    void Log(TraceEventLevel level, string message);

    /// <summary>
    /// Emits a line of process output as a NODE_LOG: info for stdout, warn for stderr, the message cleaned of ANSI
    /// escape sequences, the stream and the raw line kept for the node's terminal. A context that keeps no
    /// terminal logs the cleaned line.
    /// </summary>
    void Output(OutputPipe stream, string line)
        => Log(stream == OutputPipe.Stderr ? TraceEventLevel.Warn : TraceEventLevel.Info, AnsiText.Strip(line));

    /// <summary>Emits a NODE_PROGRESS event, such as 89 of 127.</summary>
    void Progress(long current, long total, string? message = null);

    /// <summary>
    /// Reports a finding: emits a NODE_FINDING event (its level from <paramref name="severity"/>) that the trace
    /// store also indexes per run. The platform computes the finding's fingerprint from <paramref name="ruleId"/>
    /// and <paramref name="asset"/> alone, so the same finding in two runs has the same fingerprint. Never blocks.
    /// </summary>
    /// <param name="ruleId">The rule that fired, such as <c>tls.self-signed-certificate</c>.</param>
    /// <param name="title">One line for a person.</param>
    /// <param name="severity">How bad it is.</param>
    /// <param name="asset">Where it is: host, and port, protocol or URL where they apply.</param>
    /// <param name="evidence">Short text showing why the rule fired.</param>
    /// <param name="details">Anything else, as JSON.</param>
    /// <returns>The finding as recorded, with its fingerprint.</returns>
    Finding ReportFinding(string ruleId, string title, FindingSeverity severity, FindingAsset asset, string? evidence = null, System.Text.Json.JsonElement? details = null);

    /// <summary>Stores an artifact and emits a NODE_ARTIFACT event that references it.</summary>
    Task<ArtifactReference> EmitArtifactAsync(string name, string contentType, Stream content, CancellationToken cancellationToken = default);
}

/// <summary>The declared shape of a component.</summary>
/// <param name="Name">Name used in the DSL, such as <c>security.port-scan</c>.</param>
/// <param name="Description">What it does.</param>
/// <param name="Inputs">Declared inputs.</param>
/// <param name="Outputs">Declared outputs.</param>
public sealed record ComponentDescriptor(
    string Name,
    string Description,
    IReadOnlyList<ComponentInputDescriptor> Inputs,
    IReadOnlyList<ComponentOutputDescriptor> Outputs);

/// <summary>A declared input.</summary>
/// <param name="Name">Input name.</param>
/// <param name="Type">Expected JSON type.</param>
/// <param name="Required">True when a workflow must give it (a default makes it optional).</param>
/// <param name="Description">What it means.</param>
/// <param name="Secret">True when its value must never appear in a trace or an API response.</param>
/// <param name="Rule">
/// What a value must satisfy beyond its type (a range, a format). Registration checks literal values against it,
/// so a workflow that could only fail at run time is refused; the component applies the same rule to the
/// resolved value when it runs.
/// </param>
public sealed record ComponentInputDescriptor(
    string Name,
    ComponentValueType Type,
    bool Required,
    string Description,
    bool Secret = false,
    ComponentInputRule? Rule = null);

/// <summary>A declared output.</summary>
public sealed record ComponentOutputDescriptor(string Name, ComponentValueType Type, string Description);

/// <summary>JSON types of component inputs and outputs.</summary>
#pragma warning disable CA1720 // The members are JSON type names on purpose: they mirror JSON Schema's vocabulary.
public enum ComponentValueType
{
    /// <summary>A JSON string.</summary>
    [JsonStringEnumMemberName("string")] String,

    /// <summary>A JSON number without fraction.</summary>
    [JsonStringEnumMemberName("integer")] Integer,

    /// <summary>Any JSON number.</summary>
    [JsonStringEnumMemberName("number")] Number,

    /// <summary>true or false.</summary>
    [JsonStringEnumMemberName("boolean")] Boolean,

    /// <summary>A JSON object.</summary>
    [JsonStringEnumMemberName("object")] Object,

    /// <summary>A JSON array.</summary>
    [JsonStringEnumMemberName("array")] Array,

    /// <summary>Any JSON value.</summary>
    [JsonStringEnumMemberName("any")] Any,
}
#pragma warning restore CA1720

/// <summary>Finds components by name.</summary>
public interface IComponentCatalog
{
    /// <summary>Every registered component's descriptor.</summary>
    IReadOnlyCollection<ComponentDescriptor> Descriptors { get; }

    /// <summary>Looks a component up by its DSL name.</summary>
    bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IComponent? component);
}

/// <summary>The catalog of every <see cref="IComponent"/> registered in dependency injection.</summary>
public sealed class ComponentCatalog : IComponentCatalog
{
    private readonly Dictionary<string, IComponent> components;

    /// <summary>Builds the catalog; two components with one name are a configuration error.</summary>
    public ComponentCatalog(IEnumerable<IComponent> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        this.components = new Dictionary<string, IComponent>(StringComparer.Ordinal);
        foreach (var component in components)
        {
            if (!this.components.TryAdd(component.Descriptor.Name, component))
            {
                throw new InvalidOperationException($"Two components are registered as '{component.Descriptor.Name}'.");
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyCollection<ComponentDescriptor> Descriptors => [.. components.Values.Select(c => c.Descriptor)];

    /// <inheritdoc />
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IComponent? component)
        => components.TryGetValue(name, out component);
}
