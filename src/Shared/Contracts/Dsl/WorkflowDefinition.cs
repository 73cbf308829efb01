using System.Text.Json;

namespace ShipSec.Shared.Dsl;

/// <summary>A workflow as written in the DSL: a DAG of nodes, each running one component.</summary>
public sealed record WorkflowDefinition
{
    /// <summary>Stable identifier, unique per workflow; lowercase letters, digits, '-' and '_'.</summary>
    public required string Id { get; init; }

    /// <summary>Human-readable name.</summary>
    public required string Name { get; init; }

    /// <summary>Optional description shown in listings.</summary>
    public string? Description { get; init; }

    /// <summary>Inputs a run is given when it starts, by name; nodes read them with <c>{"$input": "name"}</c>.</summary>
    public IReadOnlyDictionary<string, WorkflowInputDefinition> Inputs { get; init; } = new Dictionary<string, WorkflowInputDefinition>();

    /// <summary>The nodes of the DAG, in the order written.</summary>
    public required IReadOnlyList<NodeDefinition> Nodes { get; init; }

    /// <summary>Webhooks told when a run ends with something to act on (new findings against its baseline, a failure).</summary>
    public IReadOnlyList<AlertRule> Alerts { get; init; } = [];

    /// <summary>
    /// Most nodes of one run that execute at once; null takes the deployment's default (<c>Runs:MaxParallelNodes</c>).
    /// Approval steps waiting for a decision hold no worker and do not count.
    /// </summary>
    public int? MaxParallelNodes { get; init; }
}

/// <summary>When to alert and where.</summary>
public sealed record AlertRule
{
    /// <summary>What the alert is about.</summary>
    public required AlertTrigger On { get; init; }

    /// <summary>For <see cref="AlertTrigger.NewFindings"/>: only new findings at least this severe count (default: any).</summary>
    public Trace.FindingSeverity? MinSeverity { get; init; }

    /// <summary>Where the alert is POSTed.</summary>
    public required AlertWebhook Webhook { get; init; }
}

/// <summary>A webhook: its URL (host on <c>Alerts:AllowedHosts</c>) and the key its deliveries are signed with.</summary>
public sealed record AlertWebhook
{
    /// <summary>An absolute http(s) URL.</summary>
    public required string Url { get; init; }

    /// <summary>
    /// The signing key: <c>{"$input": "name"}</c> (a secret workflow input) or the name of a configured secret
    /// (<c>Alerts:Secrets:&lt;name&gt;</c>); without one, deliveries are not signed.
    /// </summary>
    public JsonElement? Secret { get; init; }
}

/// <summary>What an alert rule fires on, lowercase on the wire.</summary>
public enum AlertTrigger
{
    /// <summary>The run completed with findings its baseline did not report (all of its findings when it has no baseline).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("new-findings")] NewFindings,

    /// <summary>The run failed.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("run-failed")] RunFailed,
}

/// <summary>One node of a workflow: a component invocation with inputs, dependencies, retries and a timeout.</summary>
public sealed record NodeDefinition
{
    /// <summary>Identifier unique within the workflow.</summary>
    public required string Id { get; init; }

    /// <summary>Name of the component to run, such as <c>security.port-scan</c>.</summary>
    public required string Component { get; init; }

    /// <summary>
    /// Input values by input name: a JSON literal, a reference to an upstream node's output written
    /// as <c>{"$ref": "nodeId.outputName"}</c> (see <c>InputReference</c> in the DSL), or a workflow input
    /// <c>{"$input": "name"}</c> anywhere a literal may stand (see <c>WorkflowInputBinding</c> in the DSL).
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> Inputs { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Nodes that must complete first, besides those the inputs reference.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>How often and how patiently to retry a failed attempt; one attempt when absent.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>Longest time one attempt may run, in seconds; no limit when absent.</summary>
    public int? TimeoutSeconds { get; init; }
}

/// <summary>Retry policy of a node: attempts and exponential backoff between them.</summary>
public sealed record RetryPolicy
{
    /// <summary>Total attempts including the first (1 to 10).</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Delay before the second attempt, in seconds.</summary>
    public double BackoffSeconds { get; init; } = 1;

    /// <summary>Factor applied to the delay after each further failure.</summary>
    public double BackoffCoefficient { get; init; } = 2;

    /// <summary>Upper bound of any one delay, in seconds.</summary>
    public double MaxBackoffSeconds { get; init; } = 60;

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 or more).</summary>
    public TimeSpan DelayBefore(int nextAttempt)
    {
        var seconds = BackoffSeconds * Math.Pow(BackoffCoefficient, Math.Max(0, nextAttempt - 2));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxBackoffSeconds));
    }
}
