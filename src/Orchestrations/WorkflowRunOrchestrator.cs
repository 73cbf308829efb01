using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.DurableTask;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>
/// Walks a workflow's DAG: nodes whose dependencies completed are scheduled, up to the run's <c>maxParallelNodes</c> at
/// once (large runs in batches, one activity each), failed attempts
/// are retried per the node's policy, a final failure skips what depends on it and fails the run, and a
/// cancel event stops scheduling. Deterministic: only the context's clock, timers and activities are used,
/// and no trace event passes through here except the few run-level ones it decides on.
/// </summary>
public sealed class WorkflowRunOrchestrator : TaskOrchestrator<WorkflowRunInput, WorkflowRunResult>
{
    /// <summary>
    /// How long a cancelled run waits for its running nodes to report back before it ends anyway. Running attempts
    /// see the cancel within a second (<see cref="RunCancellationWatcher"/>) and queued ones refuse to start, so this
    /// is ample; without a bound, a run with thousands of queued attempts stayed <c>running</c> until each was delivered.
    /// </summary>
    internal static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Runs of up to this many nodes give each node its own activity; larger ones run their ready nodes in batches, one
    /// <see cref="RunNodesActivity"/> each, so that the history grows by one entry per batch rather than per node and a
    /// queue round trip carries many nodes.
    /// </summary>
    internal const int InlineNodeLimit = 100;

    /// <summary>Most batches of one run in flight at once; each gets an equal share of the run's <c>maxParallelNodes</c>.</summary>
    internal const int BatchesInFlight = 2;

    /// <summary>
    /// A batch holds this many times the nodes it may run at once. More nodes per batch carry more work per queue round
    /// trip; fewer make a slow node hold back less (a batch answers when its last node ends).
    /// </summary>
    internal const int NodesPerBatchSlot = 16;

    /// <summary>
    /// A batch stops taking nodes once their upstream outputs (which travel in its input, and so in the run's history)
    /// reach this size: 256 nodes each passed two 32 KiB outputs would otherwise make one 16 MiB history entry.
    /// </summary>
    internal const long MaxBatchUpstreamBytes = 1024 * 1024;

    /// <inheritdoc />
    public override async Task<WorkflowRunResult> RunAsync(TaskOrchestrationContext context, WorkflowRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<WorkflowRunOrchestrator>();
        var runId = input.RunId;
        // The trace context is only copied from the input into activity inputs: no span starts in orchestrator code.
        var run = new RunScope(runId, input.TraceParent, context.CurrentUtcDateTime);
        var workflow = await context.CallActivityAsync<WorkflowDefinition?>(ActivityNames.LoadWorkflow, input.Workflow, NodeAttempts.RecordRetry);
        if (workflow is null)
        {
            var missing = $"Workflow '{input.Workflow.Id}' version {input.Workflow.Version} is not stored any more.";
            await NodeAttempts.RecordAsync(context, run, new RunEventSpec(
                TraceEventType.WorkflowStatus, context.CurrentUtcDateTime, RunStatus.Failed, Message: missing, ErrorKind: "workflow-missing"));
            return new WorkflowRunResult(RunStatus.Failed, null);
        }

        var graph = new WorkflowGraph(workflow);
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

        await NodeAttempts.RecordAsync(context, run, [.. opening]);
        OrchestrationLogs.RunStarted(logger, runId, workflow.Id, workflow.Nodes.Count);

        var readiness = new NodeReadiness(graph, started);
        var maxParallel = Math.Max(1, input.MaxParallelNodes);
        // Small runs give every node its own slot; large ones share the run's slots between a few batches.
        var window = graph.Nodes.Count <= InlineNodeLimit ? 1 : Math.Max(1, maxParallel / BatchesInFlight);
        var running = new Dictionary<Task<IReadOnlyList<NodeRunResult>>, Dispatch>();
        // Nodes of a batch whose first attempt failed and will be retried, each on its own once a slot is free.
        var retrying = new Queue<(RunNodeInput First, NodeAttemptResult Result)>();
        var slotsInUse = 0;
        var cancelRequested = context.WaitForExternalEvent<string>(OrchestrationEventNames.Cancel);
        RunFailure? failure = null;
        var cancelled = false;
        string? cancelledBy = null;
        using var graceCancellation = new CancellationTokenSource();
        Task? grace = null;

        while (true)
        {
            while (!cancelled && slotsInUse < maxParallel && retrying.TryDequeue(out var retry))
            {
                running.Add(Single(retry.First.Node.Id, NodeAttempts.RetryAfterAsync(context, run, retry.First, 1, retry.Result)), new Dispatch([retry.First], 1, Batch: false));
                slotsInUse++;
            }

            while (!cancelled && readiness.Count > 0 && slotsInUse < maxParallel)
            {
                var attempts = new List<RunNodeInput>();
                // The run's slots this dispatch may hold, and the nodes it may take for them.
                var share = window == 1 ? 1 : Math.Min(window, maxParallel - slotsInUse);
                var limit = window == 1 ? 1 : share * NodesPerBatchSlot;
                long upstreamBytes = 0;
                while (attempts.Count < limit && upstreamBytes < MaxBatchUpstreamBytes && readiness.TryTake(out var nodeId))
                {
                    started.Add(nodeId);
                    var node = graph.Node(nodeId);
                    if (node.Component == ApprovalComponent.ComponentName)
                    {
                        // A waiting approval holds no worker, so it takes no slot.
                        running.Add(Single(node.Id, AwaitApprovalAsync(context, input, run, node)), new Dispatch([], 0, Batch: false) { Approval = node.Id });
                        continue;
                    }

                    var attempt = NodeAttempts.FirstAttempt(runId, run.TraceParent, node, workflow, input.Inputs, outputs);
                    attempts.Add(attempt);
                    // Only a batch's input carries many nodes' upstream outputs; a node of its own takes one slot anyway.
                    upstreamBytes += window == 1 ? 0 : NodeAttempts.UpstreamBytes(attempt);
                }

                if (attempts.Count == 0)
                {
                    continue;
                }

                var slots = Math.Min(attempts.Count, share);
                var task = window == 1
                    ? Single(attempts[0].Node.Id, NodeAttempts.RunWithRetriesAsync(context, run, attempts[0]))
                    : NodeAttempts.RunBatchAsync(context, run, attempts, slots);
                running.Add(task, new Dispatch(attempts, slots, Batch: window > 1));
                slotsInUse += slots;
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

            var done = (Task<IReadOnlyList<NodeRunResult>>)finished;
            var dispatch = running[done];
            slotsInUse -= dispatch.Slots;
            running.Remove(done);
            foreach (var (nodeId, result) in await done)
            {
                if (dispatch.Batch && dispatch.First(nodeId) is { } first && NodeAttempts.WillRetry(first, 1, result))
                {
                    retrying.Enqueue((first, result));
                    continue;
                }

                switch (result.Outcome)
                {
                    case NodeAttemptOutcome.Succeeded:
                        outputs[nodeId] = result.Outputs ?? new NodeOutputs(new Dictionary<string, JsonElement>(), null);
                        readiness.Completed(nodeId);
                        break;
                    case NodeAttemptOutcome.Cancelled:
                        cancelled = true;
                        break;
                    case NodeAttemptOutcome.CancelledBeforeStart:
                        // It never ran: closed below as a node the cancel kept from starting.
                        cancelled = true;
                        started.Remove(nodeId);
                        break;
                    default:
                        failure ??= new RunFailure(nodeId, result.Error?.Message ?? "The node failed.");
                        OrchestrationLogs.NodeFailedFinally(logger, runId, nodeId, failure.Message);
                        break;
                }
            }
        }

        // Cancel synchronously (see NodeAttempts.RunAttemptAsync).
        graceCancellation.Cancel();
        var status = failure is not null ? RunStatus.Failed : cancelled ? RunStatus.Cancelled : RunStatus.Completed;
        var now = context.CurrentUtcDateTime;
        var closing = new List<RunEventSpec>();
        var unanswered = running.Values.SelectMany(d => d.NodeIds).Concat(retrying.Select(r => r.First.Node.Id)).ToHashSet(StringComparer.Ordinal);
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
        await NodeAttempts.RecordAsync(context, run, [.. closing]);
        OrchestrationLogs.RunEnded(logger, runId, status);
        if (workflow.Alerts is { Count: > 0 })
        {
            // After the end is recorded: the run's status never waits on a webhook.
            await DeliverAlertsAsync(context, input, workflow, status, logger);
        }

        return new WorkflowRunResult(status, failure) { Outputs = outputs };
    }

    /// <summary>One node's own task as a dispatch's result list.</summary>
    private static async Task<IReadOnlyList<NodeRunResult>> Single(string nodeId, Task<NodeAttemptResult> attempt)
        => [new NodeRunResult(nodeId, await attempt)];

    /// <summary>
    /// What one dispatched task runs: its nodes' first attempts, the run's slots it holds until it answers, and whether
    /// it is a batch (whose failed first attempts are retried one by one afterwards) rather than nodes run to their end.
    /// </summary>
    private sealed record Dispatch(IReadOnlyList<RunNodeInput> Firsts, int Slots, bool Batch)
    {
        /// <summary>An approval step's node: it runs in the orchestration, not in an activity.</summary>
        public string? Approval { get; init; }

        public IEnumerable<string> NodeIds => Approval is { } approval ? [approval] : Firsts.Select(first => first.Node.Id);

        private Dictionary<string, RunNodeInput>? byNode;

        public RunNodeInput? First(string nodeId)
            => (byNode ??= Firsts.ToDictionary(first => first.Node.Id, StringComparer.Ordinal)).GetValueOrDefault(nodeId);
    }

    /// <summary>Waits between attempts of one alert: about five minutes in all before it is given up.</summary>
    internal static readonly TimeSpan[] AlertBackoff =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(16),
         TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60)];

    /// <summary>
    /// Plans the run's alerts once its end is stored, then delivers each at least once: an attempt that may pass
    /// later is repeated after a durable timer (no worker waits), one that never can is not. Nothing here fails the run.
    /// </summary>
    private static async Task DeliverAlertsAsync(TaskOrchestrationContext context, WorkflowRunInput input, WorkflowDefinition workflow, RunStatus status, ILogger logger)
    {
        try
        {
            var deliveries = await context.CallActivityAsync<IReadOnlyList<AlertDelivery>>(
                ActivityNames.PlanRunAlerts, new RunAlertsInput(input.RunId, workflow.Id, status, workflow.Alerts), NodeAttempts.RecordRetry);
            foreach (var planned in deliveries)
            {
                // A key from a secret input lives only in the orchestration's input; it is added here, per attempt.
                var delivery = planned with { SecretValue = SecretInputOf(input, workflow.Alerts[planned.Rule]) };
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
        await NodeAttempts.RecordAsync(context, run, new RunEventSpec(
            TraceEventType.NodeAwaitingInput, context.CurrentUtcDateTime, NodeId: node.Id, Attempt: 1,
            Message: $"Awaiting approval ({request.ApproversText}, up to {request.TimeoutSeconds} s): {request.Message}"));

        using var timerCancellation = new CancellationTokenSource();
        var decision = context.WaitForExternalEvent<ApprovalDecision>(ApprovalRequest.EventName(node.Id));
        var timer = context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(request.TimeoutSeconds), timerCancellation.Token);
        if (await Task.WhenAny(decision, timer) != decision)
        {
            var timeout = new TraceError($"No decision within {request.TimeoutSeconds} s.", "approval-timeout");
            await NodeAttempts.RecordAsync(context, run, new RunEventSpec(
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
            await NodeAttempts.RecordAsync(context, run, new RunEventSpec(
                TraceEventType.NodeFailed, context.CurrentUtcDateTime, NodeId: node.Id, Attempt: 1, Message: rejected.Message, ErrorKind: rejected.Kind));
            return new NodeAttemptResult(NodeAttemptOutcome.Failed, null, rejected);
        }

        await NodeAttempts.RecordAsync(context, run, new RunEventSpec(
            TraceEventType.NodeCompleted, context.CurrentUtcDateTime, NodeId: node.Id, Attempt: 1, Message: $"Approved by '{made.DecidedBy}'{said}"));
        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["approved"] = JsonSerializer.SerializeToElement(true),
            ["comment"] = JsonSerializer.SerializeToElement(made.Comment ?? string.Empty),
            ["decidedBy"] = JsonSerializer.SerializeToElement(made.DecidedBy),
        };
        return new NodeAttemptResult(NodeAttemptOutcome.Succeeded, new NodeOutputs(outputs, null), null);
    }

}
