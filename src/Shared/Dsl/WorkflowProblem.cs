namespace ShipSec.Shared.Dsl;

/// <summary>
/// One thing wrong with a workflow document, precise enough for a person to find and fix it and for an
/// HTTP response to list it under <c>errors</c>.
/// </summary>
/// <param name="Field">
/// A JSON-pointer-like path to the offending value, such as <c>/nodes/1/component</c>; <c>/nodes</c> for
/// graph-wide problems (cycles, too many nodes) and <c>/</c> for the document as a whole.
/// </param>
/// <param name="Code">A kebab-case code from <see cref="WorkflowProblemCodes"/>.</param>
/// <param name="Message">A sentence for a person; it names the node id when there is one.</param>
/// <param name="NodeId">The node the problem belongs to, when it belongs to one that has an id.</param>
/// <param name="Nodes">For a cycle, the node ids along it in dependency order: a → b → c → a gives [a, b, c].</param>
public sealed record WorkflowProblem(
    string Field,
    string Code,
    string Message,
    string? NodeId = null,
    IReadOnlyList<string>? Nodes = null);

/// <summary>The codes a <see cref="WorkflowProblem"/> carries.</summary>
public static class WorkflowProblemCodes
{
    /// <summary>The document is not JSON (or not UTF-8, or nested deeper than <see cref="WorkflowLimits.MaxJsonDepth"/>).</summary>
    public const string MalformedJson = "malformed-json";

    /// <summary>A required property is absent or null.</summary>
    public const string MissingField = "missing-field";

    /// <summary>A value has the wrong JSON type, is out of range, has the wrong format or contains NUL.</summary>
    public const string InvalidValue = "invalid-value";

    /// <summary>Two nodes share one id.</summary>
    public const string DuplicateNodeId = "duplicate-node-id";

    /// <summary>A node names a component the catalog does not have.</summary>
    public const string UnknownComponent = "unknown-component";

    /// <summary>A node does not give an input its component requires.</summary>
    public const string MissingInput = "missing-input";

    /// <summary>A node gives an input its component does not declare.</summary>
    public const string UnknownInput = "unknown-input";

    /// <summary>A <c>dependsOn</c> entry or <c>$ref</c> names a node the workflow does not have.</summary>
    public const string UnknownNode = "unknown-node";

    /// <summary>A <c>$ref</c> names an output the referenced node's component does not declare.</summary>
    public const string UnknownOutput = "unknown-output";

    /// <summary>A node depends on itself, through <c>dependsOn</c> or a <c>$ref</c>.</summary>
    public const string SelfDependency = "self-dependency";

    /// <summary>Nodes depend on each other in a circle, so none of them can start.</summary>
    public const string Cycle = "cycle";

    /// <summary>The workflow has more than <see cref="WorkflowLimits.MaxNodes"/> nodes.</summary>
    public const string TooManyNodes = "too-many-nodes";

    /// <summary>A <c>{"$input": "name"}</c> names a workflow input the workflow does not declare.</summary>
    public const string UnknownWorkflowInput = "unknown-workflow-input";

    /// <summary>A value given for a <c>host</c> input (or resolved from it) is outside the deployment's scope.</summary>
    public const string OutOfScope = "out-of-scope";

    /// <summary>A property the DSL does not define (often a misspelling).</summary>
    public const string UnknownField = "unknown-field";
}
