using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.DurableTask;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>
/// Walks a workflow's DAG: every node whose dependencies completed is scheduled at once, failed attempts
/// are retried per the node's policy, a final failure skips what depends on it and fails the run, and a
/// cancel event stops scheduling. Deterministic: only the context's clock, timers and activities are used,
/// and no trace event passes through here except the few run-level ones it decides on.
/// </summary>
public sealed class WorkflowRunOrchestrator : TaskOrchestrator<WorkflowRunInput, WorkflowRunResult>
{
    /// <summary>
    /// Extra time granted beyond a node's own timeout before the orchestrator stops waiting for it. The
    /// activity enforces the timeout itself; this only guards against an activity that never reports back.
    /// </summary>
    internal static readonly TimeSpan TimeoutGrace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a cancelled run waits for its running nodes to report back before it ends anyway. Running attempts
    /// see the cancel within a second (<see cref="RunCancellationWatcher"/>) and queued ones refuse to start, so this
    /// is ample; without a bound, a run with thousands of queued attempts stayed <c>running</c> until each was delivered.
    /// </summary>
    internal static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Recording run-level events is retried for about ten minutes: a trace transport outage (Event Hubs
    /// unreachable) must delay the run's story, not end the orchestration with the run left <c>running</c>.
    /// </summary>
    internal static readonly TaskOptions RecordRetry = TaskOptions.FromRetryPolicy(new Microsoft.DurableTask.RetryPolicy(
        maxNumberOfAttempts: 25, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));

    /// <inheritdoc />
    public override async Task<WorkflowRunResult> RunAsync(TaskOrchestrationContext context, WorkflowRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<WorkflowRunOrchestrator>();
        var runId = input.RunId;
        var graph = new WorkflowGraph(input.Workflow);
        // The trace context is only copied from the input into activity inputs: no span starts in orchestrator code.
        var run = new RunScope(runId, input.TraceParent, context.CurrentUtcDateTime);

        var outputs = new Dictionary<string, NodeOutputs>(StringComparer.Ordinal);
        var started = new HashSet<string>(StringComparer.Ordinal);
        var opening = new List<RunEventSpec>
        {
            new(TraceEventType.WorkflowStatus, context.CurrentUtcDateTime, RunStatus.Running, Message: input.StartedBy is { } by ? $"Run started by '{by}'" : null),
        };
        if (input.Reuse is { } reuse)
        {
            // A resume: these nodes are not executed again. One event each names the run their outputs come from,
            // so this run's trace, replay and diff say what happened rather than pretend the node ran.
            foreach (var nodeId in graph.TopologicalOrder.Where(reuse.Outputs.ContainsKey))
            {
                outputs[nodeId] = reuse.Outputs[nodeId];
                started.Add(nodeId);
                opening.Add(new RunEventSpec(
                    TraceEventType.NodeCompleted, context.CurrentUtcDateTime, NodeId: nodeId,
                    Message: $"Not executed again: outputs reused from run {reuse.ParentRunId}."));
            }
        }

        await RecordAsync(context, run, [.. opening]);
        OrchestrationLogs.RunStarted(logger, runId, input.Workflow.Id, input.Workflow.Nodes.Count);

        var running = new Dictionary<Task<NodeAttemptResult>, NodeDefinition>();
        var cancelRequested = context.WaitForExternalEvent<string>(OrchestrationEventNames.Cancel);
        RunFailure? failure = null;
        var cancelled = false;
        string? cancelledBy = null;
        using var graceCancellation = new CancellationTokenSource();
        Task? grace = null;

        while (true)
        {
            if (!cancelled)
            {
                foreach (var nodeId in graph.TopologicalOrder)
                {
                    if (!started.Contains(nodeId) && graph.Dependencies(nodeId).All(outputs.ContainsKey))
                    {
                        started.Add(nodeId);
                        var node = graph.Node(nodeId);
                        running.Add(
                            node.Component == ApprovalComponent.ComponentName ? AwaitApprovalAsync(context, input, run, node) : RunWithRetriesAsync(context, input, run, node, outputs),
                            node);
                    }
                }
            }

            if (running.Count == 0)
            {
                break;
            }

            if (cancelled)
            {
                grace ??= context.CreateTimer(context.CurrentUtcDateTime + CancelGrace, graceCancellation.Token);
            }

            List<Task> waitingOn = cancelled ? [.. running.Keys, grace!] : [.. running.Keys, cancelRequested];
            var finished = await Task.WhenAny(waitingOn);
            if (finished == cancelRequested)
            {
                // Running attempts notice the cancellation themselves (the activity watches the run's
                // cancel flag) and report back; queued ones refuse to start; nothing new is scheduled from here on.
                cancelled = true;
                cancelledBy = cancelRequested.Result;
                continue;
            }

            if (finished == grace)
            {
                // What has not reported back by now is ended below; its own late report changes nothing.
                break;
            }

            var task = (Task<NodeAttemptResult>)finished;
            var finishedNode = running[task];
            running.Remove(task);
            var result = await task;
            switch (result.Outcome)
            {
                case NodeAttemptOutcome.Succeeded:
                    outputs[finishedNode.Id] = result.Outputs ?? new NodeOutputs(new Dictionary<string, System.Text.Json.JsonElement>(), null);
                    break;
                case NodeAttemptOutcome.Cancelled:
                    cancelled = true;
                    break;
                case NodeAttemptOutcome.CancelledBeforeStart:
                    // It never ran: closed below as a node the cancel kept from starting.
                    cancelled = true;
                    started.Remove(finishedNode.Id);
                    break;
                default:
                    failure ??= new RunFailure(finishedNode.Id, result.Error?.Message ?? "The node failed.");
                    OrchestrationLogs.NodeFailedFinally(logger, runId, finishedNode.Id, failure.Message);
                    break;
            }
        }

        // Cancel synchronously (see RunAttemptAsync).
        graceCancellation.Cancel();
        var status = failure is not null ? RunStatus.Failed : cancelled ? RunStatus.Cancelled : RunStatus.Completed;
        var now = context.CurrentUtcDateTime;
        var closing = new List<RunEventSpec>();
        var unanswered = running.Values.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var nodeId in graph.TopologicalOrder)
        {
            if (unanswered.Contains(nodeId))
            {
                closing.Add(new RunEventSpec(
                    TraceEventType.NodeSkipped, now, NodeId: nodeId, Message: "The run was cancelled; it ended without waiting for this node.", ErrorKind: TraceFold.CancelledKind));
            }
            else if (!outputs.ContainsKey(nodeId) && !started.Contains(nodeId))
            {
                var (reason, kind) = cancelled && failure is null
                    ? ("The run was cancelled before this node started.", TraceFold.CancelledKind)
                    : ($"Skipped because an upstream node failed ({failure?.NodeId}).", "upstream-failed");
                closing.Add(new RunEventSpec(TraceEventType.NodeSkipped, now, NodeId: nodeId, Message: reason, ErrorKind: kind));
            }
        }

        closing.Add(new RunEventSpec(
            TraceEventType.WorkflowStatus,
            now,
            status,
            NodeId: failure?.NodeId,
            Message: failure?.Message ?? (cancelled ? CancelMessage(cancelledBy) : null),
            ErrorKind: failure is not null ? "node-failed" : cancelled ? TraceFold.CancelledKind : null));
        await RecordAsync(context, run, [.. closing]);
        OrchestrationLogs.RunEnded(logger, runId, status);
        if (input.Workflow.Alerts is { Count: > 0 })
        {
            // After the end is recorded: the run's status never waits on a webhook.
            await DeliverAlertsAsync(context, input, status, logger);
        }

        return new WorkflowRunResult(status, failure) { Outputs = outputs };
    }

    /// <summary>Waits between attempts of one alert: about five minutes in all before it is given up.</summary>
    internal static readonly TimeSpan[] AlertBackoff =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(16),
         TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60)];

    /// <summary>
    /// Plans the run's alerts once its end is stored, then delivers each at least once: an attempt that may pass
    /// later is repeated after a durable timer (no worker waits), one that never can is not. Nothing here fails the run.
    /// </summary>
    private static async Task DeliverAlertsAsync(TaskOrchestrationContext context, WorkflowRunInput input, RunStatus status, ILogger logger)
    {
        try
        {
            var deliveries = await context.CallActivityAsync<IReadOnlyList<AlertDelivery>>(
                ActivityNames.PlanRunAlerts, new RunAlertsInput(input.RunId, input.Workflow.Id, status, input.Workflow.Alerts), RecordRetry);
            foreach (var planned in deliveries)
            {
                // A key from a secret input lives only in the orchestration's input; it is added here, per attempt.
                var delivery = planned with { SecretValue = SecretInputOf(input, input.Workflow.Alerts[planned.Rule]) };
                for (var attempt = 1; attempt <= AlertBackoff.Length + 1; attempt++)
                {
                    var outcome = await context.CallActivityAsync<AlertOutcome>(ActivityNames.DeliverAlert, delivery with { Attempt = attempt });
                    if (outcome != AlertOutcome.Retry || attempt > AlertBackoff.Length)
                    {
                        break;
                    }

                    await context.CreateTimer(context.CurrentUtcDateTime + AlertBackoff[attempt - 1], CancellationToken.None);
                }
            }
        }
        catch (TaskFailedException exception)
        {
            OrchestrationLogs.AlertsAbandoned(logger, exception, input.RunId);
        }
    }

    private static string? SecretInputOf(WorkflowRunInput input, AlertRule rule)
        => rule.Webhook.Secret is { } secret && WorkflowInputBinding.TryGetName(secret, out var name)
            && input.Inputs?.TryGetValue(name, out var value) == true && value.ValueKind == System.Text.Json.JsonValueKind.String
                ? value.GetString()
                : null;

    /// <summary>The cancelled status message, naming who asked (the cancel event carries the caller's name).</summary>
    private static string CancelMessage(string? by)
        => string.IsNullOrEmpty(by) || by == OrchestrationEventNames.CancelRequestedByUnknown ? "The run was cancelled." : $"The run was cancelled by '{by}'.";

    /// <summary>
    /// An approval step: records NODE_AWAITING_INPUT, then waits for a decision event or the durable timer, whichever
    /// comes first, holding no worker meanwhile. Approved completes the node (outputs <c>approved</c>, <c>comment</c>,
    /// <c>decidedBy</c>); rejected fails it with kind <c>rejected</c>; no decision in time with <c>approval-timeout</c>.
    /// </summary>
    private static async Task<NodeAttemptResult> AwaitApprovalAsync(TaskOrchestrationContext context, WorkflowRunInput workflowRun, RunScope run, NodeDefinition node)
    {
        var request = ApprovalRequest.From(node, workflowRun.Inputs);
        await RecordAsync(context, run, new RunEventSpec(
            TraceEventType.NodeAwaitingInput, context.CurrentUtcDateTime, NodeId: node.Id, Attempt: 1,
            Message: $"Awaiting approval ({request.ApproversText}, up to {request.TimeoutSeconds} s): {request.Message}"));

        using var timerCancellation = new CancellationTokenSource();
        var decision = context.WaitForExternalEvent<ApprovalDecision>(ApprovalRequest.EventName(node.Id));
        var timer = context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(request.TimeoutSeconds), timerCancellation.Token);
        if (await Task.WhenAny(decision, timer) != decision)
        {
            var timeout = new TraceError($"No decision within {request.TimeoutSeconds} s.", "approval-timeout");
            await RecordAsync(context, run, new RunEventSpec(
                TraceEventType.NodeFailed, context.CurrentUtcDateTime, NodeId: node.Id, Attempt: 1, Message: timeout.Message, ErrorKind: timeout.Kind));
            return new NodeAttemptResult(NodeAttemptOutcome.Failed, null, timeout);
        }

        // Cancel synchronously (see RunAttemptAsync).
        timerCancellation.Cancel();
        var made = decision.Result;
        var said = string.IsNullOrEmpty(made.Comment) ? string.Empty : $": {made.Comment}";
        if (!made.Approve)
        {
            var rejected = new TraceError($"Rejected by '{made.DecidedBy}'{said}", "rejected");
            await RecordAsync(context, run, new RunEventSpec(
                TraceEventType.NodeFailed, context.CurrentUtcDateTime, NodeId: node.Id, Attempt: 1, Message: rejected.Message, ErrorKind: rejected.Kind));
            return new NodeAttemptResult(NodeAttemptOutcome.Failed, null, rejected);
        }

        await RecordAsync(context, run, new RunEventSpec(
            TraceEventType.NodeCompleted, context.CurrentUtcDateTime, NodeId: node.Id, Attempt: 1, Message: $"Approved by '{made.DecidedBy}'{said}"));
        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["approved"] = JsonSerializer.SerializeToElement(true),
            ["comment"] = JsonSerializer.SerializeToElement(made.Comment ?? string.Empty),
            ["decidedBy"] = JsonSerializer.SerializeToElement(made.DecidedBy),
        };
        return new NodeAttemptResult(NodeAttemptOutcome.Succeeded, new NodeOutputs(outputs, null), null);
    }

    private static async Task<NodeAttemptResult> RunWithRetriesAsync(
        TaskOrchestrationContext context, WorkflowRunInput workflowRun, RunScope run, NodeDefinition node, Dictionary<string, NodeOutputs> outputs)
    {
        var runId = run.RunId;
        // Only the inputs the node binds cross into its activity's history.
        var bound = node.Inputs.Values.SelectMany(v => WorkflowInputBinding.Find(v, "/")).Select(b => b.Name)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var workflowInputs = (workflowRun.Inputs ?? new Dictionary<string, System.Text.Json.JsonElement>())
            .Where(pair => bound.Contains(pair.Key))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        var secretInputs = workflowRun.Workflow.Inputs.Where(pair => pair.Value.Secret && bound.Contains(pair.Key)).Select(pair => pair.Key).ToList();
        var upstream = new Dictionary<string, NodeOutputs>(StringComparer.Ordinal);
        foreach (var (_, reference) in node.References())
        {
            upstream[reference.NodeId] = outputs[reference.NodeId];
        }

        var maxAttempts = Math.Max(1, node.Retry?.MaxAttempts ?? 1);
        NodeAttemptResult result = new(NodeAttemptOutcome.Failed, null, null);
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var input = new RunNodeInput
            {
                RunId = runId, Node = node, Attempt = attempt, Upstream = upstream, WorkflowInputs = workflowInputs, SecretInputs = secretInputs,
                TraceParent = run.TraceParent,
            };
            result = await RunAttemptAsync(context, run, input);
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

    private static Task RecordAsync(TaskOrchestrationContext context, RunScope run, params RunEventSpec[] events)
        => context.CallActivityAsync(ActivityNames.RecordRunEvents, new RunEventsInput(run.RunId, events, run.TraceParent, run.StartedAt), RecordRetry);

    /// <summary>What every activity of the run is told about it: its id, its trace context and when its first step ran (replay-safe).</summary>
    private sealed record RunScope(string RunId, string? TraceParent, DateTime StartedAt);
}
