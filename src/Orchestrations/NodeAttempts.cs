using Microsoft.DurableTask;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>What every activity of a run is told about it: its id, its trace context and when its first step ran (replay-safe).</summary>
internal sealed record RunScope(string RunId, string? TraceParent, DateTimeOffset StartedAt);

/// <summary>
/// Runs one node to its end inside an orchestration: attempts per its retry policy with durable timers between them,
/// each bounded by the node's timeout. Both the run's own orchestrator and the batch sub-orchestrations of large runs
/// use it, so a node behaves the same wherever it is scheduled.
/// </summary>
internal static class NodeAttempts
{
    /// <summary>
    /// Extra time granted beyond a node's own timeout before the orchestrator stops waiting for it. The
    /// activity enforces the timeout itself; this only guards against an activity that never reports back.
    /// </summary>
    internal static readonly TimeSpan TimeoutGrace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Recording run-level events is retried for about ten minutes: a trace transport outage (Event Hubs
    /// unreachable) must delay the run's story, not end the orchestration with the run left <c>running</c>.
    /// </summary>
    internal static readonly TaskOptions RecordRetry = TaskOptions.FromRetryPolicy(new Microsoft.DurableTask.RetryPolicy(
        maxNumberOfAttempts: 25, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));

    /// <summary>
    /// The first attempt of <paramref name="node"/>: the outputs of the upstream nodes its inputs reference and the workflow
    /// inputs it binds. Only those cross into the activity's history, not the run's whole state.
    /// </summary>
    public static RunNodeInput FirstAttempt(
        string runId, string? traceParent, NodeDefinition node, WorkflowDefinition workflow,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement>? workflowInputs, IReadOnlyDictionary<string, NodeOutputs> outputs)
    {
        var bound = node.Inputs.Values.SelectMany(v => WorkflowInputBinding.Find(v, "/")).Select(b => b.Name)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var upstream = new Dictionary<string, NodeOutputs>(StringComparer.Ordinal);
        foreach (var (_, reference) in node.References())
        {
            upstream[reference.NodeId] = outputs[reference.NodeId];
        }

        return new RunNodeInput
        {
            RunId = runId,
            Node = node,
            Attempt = 1,
            Upstream = upstream,
            WorkflowInputs = (workflowInputs ?? new Dictionary<string, System.Text.Json.JsonElement>())
                .Where(pair => bound.Contains(pair.Key))
                .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal),
            SecretInputs = [.. workflow.Inputs.Where(pair => pair.Value.Secret && bound.Contains(pair.Key)).Select(pair => pair.Key)],
            TraceParent = traceParent,
        };
    }

    /// <summary>Runs attempts of one node until one succeeds, one says it cannot succeed, or the policy's attempts are used up.</summary>
    public static async Task<NodeAttemptResult> RunWithRetriesAsync(TaskOrchestrationContext context, RunScope run, RunNodeInput first)
    {
        var node = first.Node;
        var maxAttempts = first.MaxAttempts;
        NodeAttemptResult result = new(NodeAttemptOutcome.Failed, null, null);
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            result = await RunAttemptAsync(context, run, first with { Attempt = attempt });
            // An attempt that says it will not be retried (out of scope, a missing tool, a refused program, an
            // unknown component) cannot succeed the next time either.
            if (result.Outcome != NodeAttemptOutcome.Failed || attempt == maxAttempts || result.Error is { WillRetry: false })
            {
                return result;
            }

            await context.CreateTimer(node.Retry!.DelayBefore(attempt + 1), CancellationToken.None);
        }

        return result;
    }

    /// <summary>Records run-level events through the activity that publishes them, retried through an outage.</summary>
    public static Task RecordAsync(TaskOrchestrationContext context, RunScope run, params RunEventSpec[] events)
        => context.CallActivityAsync(ActivityNames.RecordRunEvents, new RunEventsInput(run.RunId, events, run.TraceParent, run.StartedAt), RecordRetry);

    private static async Task<NodeAttemptResult> RunAttemptAsync(TaskOrchestrationContext context, RunScope run, RunNodeInput input)
    {
        var activity = CallRunNodeAsync(context, run, input);
        if (input.Node.TimeoutSeconds is not { } seconds)
        {
            return await activity;
        }

        using var timerCancellation = new CancellationTokenSource();
        var deadline = context.CurrentUtcDateTime + TimeSpan.FromSeconds(seconds) + TimeoutGrace;
        var timer = context.CreateTimer(deadline, timerCancellation.Token);
        if (await Task.WhenAny(activity, timer) == activity)
        {
            // Cancel synchronously: CancelAsync would resume this orchestrator on a thread-pool thread,
            // outside the orchestration's scheduler, and the run would stall.
            timerCancellation.Cancel();
            return await activity;
        }

        var error = new TraceError($"No answer from the node within {seconds} s (+{TimeoutGrace.TotalSeconds:0} s grace).", "timeout", input.Attempt < input.MaxAttempts);
        await RecordAsync(context, run, new RunEventSpec(
            TraceEventType.NodeFailed, context.CurrentUtcDateTime, NodeId: input.Node.Id, Attempt: input.Attempt, Message: error.Message, ErrorKind: error.Kind));
        return new NodeAttemptResult(NodeAttemptOutcome.Failed, null, error);
    }

    private static async Task<NodeAttemptResult> CallRunNodeAsync(TaskOrchestrationContext context, RunScope run, RunNodeInput input)
    {
        try
        {
            return await context.CallActivityAsync<NodeAttemptResult>(ActivityNames.RunNode, input);
        }
        catch (TaskFailedException exception)
        {
            // The activity reports component failures as results; an exception here means the activity
            // itself broke (for example its trace could not be flushed). That attempt failed all the same.
            // Its NODE_STARTED may be in the trace without an end: this records the end (an end the activity did
            // store has the same id, so the store keeps one).
            var message = exception.FailureDetails?.ErrorMessage ?? exception.Message;
            var error = new TraceError(message, "activity-failed", input.Attempt < input.MaxAttempts);
            await RecordAsync(context, run, new RunEventSpec(
                TraceEventType.NodeFailed, context.CurrentUtcDateTime, NodeId: input.Node.Id, Attempt: input.Attempt, Message: message, ErrorKind: error.Kind));
            return new NodeAttemptResult(NodeAttemptOutcome.Failed, null, error);
        }
    }
}
