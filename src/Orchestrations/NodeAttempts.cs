using Microsoft.DurableTask;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>What every activity of a run is told about it: its id, its trace context and when its first step ran (replay-safe).</summary>
internal sealed record RunScope(string RunId, string? TraceParent, DateTimeOffset StartedAt);

/// <summary>
/// Runs one node to its end inside an orchestration: attempts per its retry policy with durable timers between them,
/// each bounded by the node's timeout; or the first attempts of many ready nodes in one activity (large runs), whose
/// failures are continued here one by one. A node behaves the same whichever way it is scheduled.
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

    /// <summary>About how many bytes the upstream outputs of <paramref name="attempt"/> add to its input (inline ones as JSON; a blob reference is small).</summary>
    public static long UpstreamBytes(RunNodeInput attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        long bytes = 0;
        foreach (var outputs in attempt.Upstream.Values)
        {
            // The raw UTF-8 is measured where it lies: this runs on every replay of a large run's orchestrator.
            bytes += outputs.Inline?.Sum(pair => pair.Key.Length + System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(pair.Value).Length) ?? 256;
        }

        return bytes;
    }

    /// <summary>Runs attempts of one node until one succeeds, one says it cannot succeed, or the policy's attempts are used up.</summary>
    public static async Task<NodeAttemptResult> RunWithRetriesAsync(TaskOrchestrationContext context, RunScope run, RunNodeInput first)
        => await RetryAfterAsync(context, run, first, 1, await RunAttemptAsync(context, run, first));

    /// <summary>
    /// Whether the node of <paramref name="first"/> gets another attempt after attempt <paramref name="attempt"/> ended
    /// with <paramref name="result"/>. An attempt that says it will not be retried (out of scope, a missing tool, a
    /// refused program, an unknown component) cannot succeed the next time either.
    /// </summary>
    public static bool WillRetry(RunNodeInput first, int attempt, NodeAttemptResult result)
        => result.Outcome == NodeAttemptOutcome.Failed && attempt < first.MaxAttempts && result.Error is not { WillRetry: false };

    /// <summary>
    /// Continues a node whose attempt <paramref name="attempt"/> ended with <paramref name="result"/> (in its own activity
    /// or in a batch): waits the policy's delay and runs the next attempt, until <see cref="WillRetry"/> says no more.
    /// </summary>
    public static async Task<NodeAttemptResult> RetryAfterAsync(TaskOrchestrationContext context, RunScope run, RunNodeInput first, int attempt, NodeAttemptResult result)
    {
        while (WillRetry(first, attempt, result))
        {
            await context.CreateTimer(first.Node.Retry!.DelayBefore(attempt + 1), CancellationToken.None);
            attempt++;
            result = await RunAttemptAsync(context, run, first with { Attempt = attempt });
        }

        return result;
    }

    /// <summary>
    /// The first attempts of <paramref name="firsts"/>, nodes that were ready together, run by one <see cref="RunNodesActivity"/>
    /// at most <paramref name="parallelism"/> at once: one queue round trip for the lot instead of one per node. Answers how
    /// each attempt ended; the caller continues the ones <see cref="WillRetry"/> names with <see cref="RetryAfterAsync"/>, each
    /// on its own, so a node's backoff never holds back the others' dependants. An end the batch could not store (its activity
    /// broke, or never answered within the nodes' timeouts) is recorded here.
    /// </summary>
    public static async Task<IReadOnlyList<NodeRunResult>> RunBatchAsync(
        TaskOrchestrationContext context, RunScope run, IReadOnlyList<RunNodeInput> firsts, int parallelism)
    {
        var input = new NodeBatchInput(run.RunId, firsts, run.StartedAt) { Parallelism = parallelism };
        IReadOnlyList<NodeRunResult> results;
        var noneStored = false;
        try
        {
            var batch = context.CallActivityAsync<IReadOnlyList<NodeRunResult>>(ActivityNames.RunNodes, input);
            if (BatchDeadline(firsts, parallelism) is { } limit && !await AnswersWithinAsync(context, batch, limit))
            {
                noneStored = true;
                results = AllFailed(firsts, $"No answer from the batch of {firsts.Count} nodes within {limit.TotalSeconds:0} s (their timeouts, {parallelism} at once, with grace).", "timeout");
            }
            else
            {
                results = await batch;
            }
        }
        catch (TaskFailedException exception)
        {
            noneStored = true;
            results = AllFailed(firsts, exception.FailureDetails?.ErrorMessage ?? exception.Message, ActivityFailedKind);
        }

        // The batch stored every other end itself. One of these may be stored already too: it has the same id, so the
        // store keeps one.
        var ends = results.Where(r => noneStored || r.Result.Error is { Kind: ActivityFailedKind })
            .Select(r => new RunEventSpec(TraceEventType.NodeFailed, context.CurrentUtcDateTime, NodeId: r.NodeId, Attempt: 1, Message: r.Result.Error!.Message, ErrorKind: r.Result.Error.Kind))
            .ToArray();
        if (ends.Length > 0)
        {
            await RecordAsync(context, run, ends);
        }

        return results;
    }

    /// <summary>Records run-level events through the activity that publishes them, retried through an outage.</summary>
    public static Task RecordAsync(TaskOrchestrationContext context, RunScope run, params RunEventSpec[] events)
        => context.CallActivityAsync(ActivityNames.RecordRunEvents, new RunEventsInput(run.RunId, events, run.TraceParent, run.StartedAt), RecordRetry);

    /// <summary>The error kind of an attempt whose activity broke instead of answering (its end may not be in the trace).</summary>
    internal const string ActivityFailedKind = "activity-failed";

    /// <summary>
    /// How long a batch may take before the orchestrator stops waiting: its nodes' timeouts run <paramref name="parallelism"/>
    /// at once (a bound of any order they run in) plus the grace; none when some node has no timeout, like a single node.
    /// </summary>
    internal static TimeSpan? BatchDeadline(IReadOnlyList<RunNodeInput> firsts, int parallelism)
    {
        if (firsts.Any(first => first.Node.TimeoutSeconds is null))
        {
            return null;
        }

        var seconds = firsts.Select(first => (double)first.Node.TimeoutSeconds!.Value).ToList();
        return TimeSpan.FromSeconds((seconds.Sum() / Math.Max(1, parallelism)) + seconds.Max()) + TimeoutGrace;
    }

    private static List<NodeRunResult> AllFailed(IReadOnlyList<RunNodeInput> firsts, string message, string kind)
        => [.. firsts.Select(first => new NodeRunResult(first.Node.Id, new NodeAttemptResult(
            NodeAttemptOutcome.Failed, null, new TraceError(message, kind, first.MaxAttempts > 1))))];

    /// <summary>Whether <paramref name="task"/> ends within <paramref name="limit"/> of the orchestration's clock (a durable timer).</summary>
    private static async Task<bool> AnswersWithinAsync(TaskOrchestrationContext context, Task task, TimeSpan limit)
    {
        using var timerCancellation = new CancellationTokenSource();
        var timer = context.CreateTimer(context.CurrentUtcDateTime + limit, timerCancellation.Token);
        if (await Task.WhenAny(task, timer) == task)
        {
            // Cancel synchronously: CancelAsync would resume this orchestrator on a thread-pool thread,
            // outside the orchestration's scheduler, and the run would stall.
            timerCancellation.Cancel();
            return true;
        }

        return false;
    }

    private static async Task<NodeAttemptResult> RunAttemptAsync(TaskOrchestrationContext context, RunScope run, RunNodeInput input)
    {
        var activity = CallRunNodeAsync(context, run, input);
        if (input.Node.TimeoutSeconds is not { } seconds || await AnswersWithinAsync(context, activity, TimeSpan.FromSeconds(seconds) + TimeoutGrace))
        {
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
            var error = new TraceError(message, ActivityFailedKind, input.Attempt < input.MaxAttempts);
            await RecordAsync(context, run, new RunEventSpec(
                TraceEventType.NodeFailed, context.CurrentUtcDateTime, NodeId: input.Node.Id, Attempt: input.Attempt, Message: message, ErrorKind: error.Kind));
            return new NodeAttemptResult(NodeAttemptOutcome.Failed, null, error);
        }
    }
}
