using System.Text.Json;
using System.Text.Json.Serialization;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Sdk;

namespace ShipSec.Orchestrations;

/// <summary>
/// <c>core.approval</c>: a node that waits for a person's decision. The orchestrator performs it itself (an external
/// event raced against a durable timer), so no worker is held while it waits; this descriptor lets workflows name it
/// and have its inputs checked at registration. An activity never runs it.
/// </summary>
public sealed class ApprovalComponent : IComponent
{
    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "core.approval";

    /// <summary>How long a decision is waited for when <c>timeoutSeconds</c> is not given (one day).</summary>
    public const int DefaultTimeoutSeconds = 86_400;

    internal static readonly IntegerRange TimeoutSeconds = new(1, 30 * 86_400);

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "Waits for a person to approve or reject (POST …/nodes/{nodeId}/decision); rejected fails the node with kind rejected, no decision in time with kind approval-timeout.",
        [
            new("message", ComponentValueType.String, true, "What the approver is asked."),
            new("timeoutSeconds", ComponentValueType.Integer, false, $"How long to wait for a decision (1-2592000, default {DefaultTimeoutSeconds}).", Rule: TimeoutSeconds),
            new("approvers", ComponentValueType.Array, false, "Names of the keys or principals that may decide (default: any operator)."),
        ],
        [
            new("approved", ComponentValueType.Boolean, "Always true: a rejection fails the node."),
            new("comment", ComponentValueType.String, "The approver's comment."),
            new("decidedBy", ComponentValueType.String, "Who decided."),
        ]);

    /// <inheritdoc />
    public Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
        => throw new ComponentRefusedException("approval-in-activity", $"{ComponentName} is performed by the orchestrator, not by a node activity.");
}

/// <summary>A decision on an approval step, as the decision route raises it to the orchestration.</summary>
/// <param name="Approve">True to approve.</param>
/// <param name="Comment">Why, for the trace.</param>
/// <param name="DecidedBy">The caller's key or principal name.</param>
public sealed record ApprovalDecision(bool Approve, string? Comment, string DecidedBy);

/// <summary>What an approval step waits for, read from its node's inputs.</summary>
/// <param name="Message">What the approver is asked.</param>
/// <param name="TimeoutSeconds">How long to wait.</param>
/// <param name="Approvers">Who may decide; empty for any operator.</param>
public sealed record ApprovalRequest(string Message, int TimeoutSeconds, IReadOnlyList<string> Approvers)
{
    /// <summary>The external event a decision on <paramref name="nodeId"/> arrives as.</summary>
    public static string EventName(string nodeId) => $"Approval:{nodeId}";

    /// <summary>The request of approval node <paramref name="node"/>, its <c>$input</c> bindings resolved from <paramref name="runInputs"/>.</summary>
    public static ApprovalRequest From(NodeDefinition node, IReadOnlyDictionary<string, JsonElement>? runInputs)
    {
        ArgumentNullException.ThrowIfNull(node);
        var values = runInputs ?? new Dictionary<string, JsonElement>();
        return From(node.Inputs.ToDictionary(pair => pair.Key, pair => WorkflowInputBinding.Substitute(pair.Value, values), StringComparer.Ordinal));
    }

    /// <summary>The request of an approval node's (already resolved) inputs.</summary>
    public static ApprovalRequest From(IReadOnlyDictionary<string, JsonElement> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var message = inputs.TryGetValue("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "Approve?";
        var timeout = inputs.TryGetValue("timeoutSeconds", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var seconds)
            ? seconds : ApprovalComponent.DefaultTimeoutSeconds;
        var approvers = inputs.TryGetValue("approvers", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];
        return new ApprovalRequest(message, timeout, approvers);
    }

    /// <summary>The approvers as the trace shows them.</summary>
    [JsonIgnore]
    public string ApproversText => Approvers.Count == 0 ? "any operator" : string.Join(", ", Approvers.Select(a => $"'{a}'"));
}
