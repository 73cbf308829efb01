using System.Text.Json;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>
/// Folds a run's trace events, in sequence order, into a <see cref="RunState"/>: statuses, failure and counters by
/// the rules of <see cref="TraceFold"/> (the same the run summaries are kept by); NODE_STARTED starts progress and
/// error afresh; NODE_PROGRESS → progress; NODE_LOG → last message and log count; NODE_ARTIFACT → artifacts (each
/// id once); NODE_FINDING → the run's findings by fingerprint (a later report of a fingerprint replaces the earlier
/// one, keeping its place) and the reporting node's finding count and highest severity. The dashboard's src/Dashboard/src/state/fold.ts mirrors this and is checked against its fixtures.
/// Each node's attempts (<see cref="AttemptsOf"/>) are kept by the same rules, for the node inspector.
/// Mutable and not thread-safe: one folder per fold. <see cref="Apply"/> allocates nothing per event
/// beyond the first event of a node or attempt and new artifacts; <see cref="State"/> builds the immutable result.
/// </summary>
public sealed class RunStateFolder
{
    private readonly List<NodeFold> _nodes = [];
    private readonly Dictionary<string, NodeFold> _byId = new(StringComparer.Ordinal);
    private readonly List<RunFinding> _findings = [];
    private readonly Dictionary<string, int> _findingIndex = new(StringComparer.Ordinal);
    private RunStatus _status = RunStatus.Queued;
    private RunFailure? _failure;
    private int _nodesTotal;

    /// <summary>A folder for a run, with the nodes of the workflow version it used as idle.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="workflowId">Its workflow.</param>
    /// <param name="nodeIds">The node ids of the workflow version the run used, in definition order.</param>
    public RunStateFolder(string runId, string workflowId, IEnumerable<string> nodeIds)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(workflowId);
        ArgumentNullException.ThrowIfNull(nodeIds);
        RunId = runId;
        WorkflowId = workflowId;
        foreach (var nodeId in nodeIds)
        {
            Node(nodeId);
        }

        _nodesTotal = _nodes.Count;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>Its workflow.</summary>
    public string WorkflowId { get; }

    /// <summary>Sequence of the last event applied; 0 before the first.</summary>
    public long Sequence { get; private set; }

    /// <summary>Timestamp of the last event applied.</summary>
    public DateTimeOffset? At { get; private set; }

    /// <summary>When the run started running (its first WORKFLOW_STATUS running among the events applied); null before.</summary>
    public DateTimeOffset? RunStartedAt { get; private set; }

    /// <summary>When the run ended (a final WORKFLOW_STATUS); null while it runs.</summary>
    public DateTimeOffset? RunEndedAt { get; private set; }

    /// <summary>How many events were applied.</summary>
    public long Applied { get; private set; }

    /// <summary>Continues folding from a state (a snapshot) instead of from nothing.</summary>
    public static RunStateFolder From(RunState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var folder = new RunStateFolder(state.RunId, state.WorkflowId, [])
        {
            Sequence = state.Sequence,
            At = state.At,
            _status = state.Status,
            _failure = state.Failure,
            _nodesTotal = state.Progress.NodesTotal,
        };
        foreach (var node in state.Nodes)
        {
            var fold = folder.Node(node.NodeId);
            fold.Status = node.Status;
            fold.Attempt = node.Attempt;
            fold.Progress = node.Progress;
            fold.LastMessage = node.LastMessage;
            fold.OutputSummary = node.OutputSummary;
            fold.Error = node.Error;
            fold.Artifacts = node.Artifacts.Count == 0 ? null : [.. node.Artifacts];
            fold.StartedAt = node.StartedAt;
            fold.CompletedAt = node.CompletedAt;
            fold.LogCount = node.LogCount;
            fold.StartedAttempt = node.Attempt;
            fold.Deliveries = node.Deliveries ?? (node.StartedAt is null ? 0 : 1);
        }

        foreach (var finding in state.Findings ?? [])
        {
            folder.AddFinding(finding);
        }

        return folder;
    }

    /// <summary>Applies the next event of the run (events must come in sequence order).</summary>
    public void Apply(TraceEvent traceEvent)
    {
        ArgumentNullException.ThrowIfNull(traceEvent);
        Sequence = traceEvent.Sequence;
        At = traceEvent.Timestamp;
        Applied++;
        if (traceEvent.Type == TraceEventType.WorkflowStatus)
        {
            if (traceEvent.Status is { } runStatus)
            {
                _status = runStatus;
                _failure = TraceFold.FailureAfter(traceEvent);
                RunStartedAt ??= runStatus == RunStatus.Running ? traceEvent.Timestamp : null;
                RunEndedAt = TraceFold.IsFinal(runStatus) ? traceEvent.Timestamp : null;
            }

            return;
        }

        if (traceEvent.NodeId is not { } nodeId)
        {
            return;
        }

        var node = Node(nodeId);
        node.Attempt = Math.Max(node.Attempt, traceEvent.Attempt);
        if (TraceFold.NodeStatusAfter(traceEvent) is { } status)
        {
            node.Status = status;
            node.CompletedAt = TraceFold.IsFinal(status) ? traceEvent.Timestamp : null;
            node.AttemptStatus(traceEvent, status);
        }

        switch (traceEvent.Type)
        {
            case TraceEventType.NodeStarted:
                // A second start of the same attempt is a redelivery of its activity (each execution writes
                // under its own ids, so every start is kept): counted here, not by the emitter.
                node.Deliveries = traceEvent.Attempt == node.StartedAttempt ? node.Deliveries + 1 : 1;
                node.StartedAttempt = traceEvent.Attempt;
                node.Progress = null;
                node.Error = null;
                node.StartedAt ??= traceEvent.Timestamp;
                node.Message(traceEvent);
                node.AttemptStarted(traceEvent);
                break;
            case TraceEventType.NodeLog:
                node.LogCount++;
                node.Message(traceEvent);
                break;
            case TraceEventType.NodeProgress:
                node.Progress = traceEvent.Progress ?? node.Progress;
                break;
            case TraceEventType.NodeArtifact:
                if (traceEvent.Artifact is { } artifact && node.Artifacts?.Exists(a => a.ArtifactId == artifact.ArtifactId) != true)
                {
                    (node.Artifacts ??= []).Add(artifact);
                }

                break;
            case TraceEventType.NodeCompleted:
                node.Error = null;
                node.OutputSummary = traceEvent.OutputSummary ?? node.OutputSummary;
                node.Message(traceEvent);
                break;
            case TraceEventType.NodeFailed or TraceEventType.NodeSkipped:
                node.Error = traceEvent.Error ?? node.Error;
                node.Message(traceEvent);
                break;
            case TraceEventType.NodeAwaitingInput:
                // What the approver is asked is what the node shows while it waits.
                node.Message(traceEvent);
                node.AttemptWaiting(traceEvent);
                break;
            case TraceEventType.NodeFinding:
                if (RunFinding.Of(traceEvent) is { } finding)
                {
                    AddFinding(finding);
                }

                break;
            case TraceEventType.WorkflowStatus:
            default:
                break;
        }
    }

    /// <summary>
    /// The attempts of <paramref name="nodeId"/> seen in the events this folder applied (not those folded into a
    /// snapshot it started from), in attempt order; empty for a node that never started.
    /// </summary>
    public IReadOnlyList<NodeAttempt> AttemptsOf(string nodeId)
        => _byId.TryGetValue(nodeId, out var node) && node.Attempts is { } attempts ? [.. attempts] : [];

    /// <summary>The state after the events applied so far.</summary>
    /// <param name="at">The moment to report instead of the last event's timestamp (a state asked for by time).</param>
    public RunState State(DateTimeOffset? at = null)
    {
        var nodes = new NodeState[_nodes.Count];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = _nodes[i].ToState();
        }

        return new RunState
        {
            RunId = RunId,
            WorkflowId = WorkflowId,
            Sequence = Sequence,
            At = at ?? At,
            Status = _status,
            Failure = _failure,
            Nodes = nodes,
            Progress = TraceFold.Progress(_nodesTotal, _nodes.CountBy(node => node.Status)),
            Findings = [.. _findings],
            FindingCounts = FindingCounts.Of(_findings.Select(f => f.Severity)),
        };
    }

    /// <summary>
    /// A report of a fingerprint already known replaces it in place; a node's count and highest severity always
    /// agree with the findings shown.
    /// </summary>
    private void AddFinding(RunFinding finding)
    {
        if (_findingIndex.TryGetValue(finding.Fingerprint, out var index))
        {
            var previous = _findings[index];
            _findings[index] = finding;
            if (previous.NodeId != finding.NodeId)
            {
                Recount(previous.NodeId);
            }
        }
        else
        {
            _findingIndex.Add(finding.Fingerprint, _findings.Count);
            _findings.Add(finding);
            var node = Node(finding.NodeId);
            node.FindingCount++;
            node.HighestSeverity = node.HighestSeverity is { } highest && highest >= finding.Severity ? highest : finding.Severity;
            return;
        }

        // A replaced report may have lowered a severity: recount its node (rare, so a scan is fine).
        Recount(finding.NodeId);
    }

    private void Recount(string nodeId)
    {
        var node = Node(nodeId);
        node.FindingCount = 0;
        node.HighestSeverity = null;
        foreach (var finding in _findings)
        {
            if (finding.NodeId == nodeId)
            {
                node.FindingCount++;
                node.HighestSeverity = node.HighestSeverity is { } highest && highest >= finding.Severity ? highest : finding.Severity;
            }
        }
    }

    private NodeFold Node(string nodeId)
    {
        if (!_byId.TryGetValue(nodeId, out var node))
        {
            node = new NodeFold(nodeId);
            _byId.Add(nodeId, node);
            _nodes.Add(node);
        }

        return node;
    }

    private sealed class NodeFold(string nodeId)
    {
        public NodeStatus Status;
        public int Attempt;
        public TraceProgress? Progress;
        public string? LastMessage;
        public JsonElement? OutputSummary;
        public TraceError? Error;
        public List<ArtifactReference>? Artifacts;
        public DateTimeOffset? StartedAt;
        public DateTimeOffset? CompletedAt;
        public long LogCount;
        public int FindingCount;
        public FindingSeverity? HighestSeverity;
        public int StartedAttempt;
        public int Deliveries;
        public List<NodeAttempt>? Attempts;

        /// <summary>A first start of an attempt opens it; a redelivery of the same attempt counts on it.</summary>
        public void AttemptStarted(TraceEvent traceEvent)
        {
            Attempts ??= [];
            var index = Attempts.FindIndex(a => a.Attempt == traceEvent.Attempt);
            if (index < 0)
            {
                Attempts.Add(new NodeAttempt { Attempt = traceEvent.Attempt, Delivery = 1, Status = NodeStatus.Running, StartedAt = traceEvent.Timestamp, Inputs = traceEvent.Inputs });
            }
            else
            {
                Attempts[index] = Attempts[index] with
                {
                    Delivery = Attempts[index].Delivery + 1, Status = NodeStatus.Running, EndedAt = null, DurationMs = null,
                    Inputs = traceEvent.Inputs ?? Attempts[index].Inputs,
                };
            }
        }

        /// <summary>An approval step has no NODE_STARTED: its wait for a decision opens its attempt.</summary>
        public void AttemptWaiting(TraceEvent traceEvent)
        {
            Attempts ??= [];
            var index = Attempts.FindIndex(a => a.Attempt == traceEvent.Attempt);
            if (index < 0)
            {
                Attempts.Add(new NodeAttempt
                {
                    Attempt = traceEvent.Attempt, Delivery = 1, Status = NodeStatus.Waiting, StartedAt = traceEvent.Timestamp, WaitingFrom = traceEvent.Timestamp,
                });
            }
            else
            {
                Attempts[index] = Attempts[index] with { Status = NodeStatus.Waiting, WaitingFrom = Attempts[index].WaitingFrom ?? traceEvent.Timestamp };
            }
        }

        /// <summary>An ending event closes its attempt with the status the node takes; a skip (no attempt) is not one.</summary>
        public void AttemptStatus(TraceEvent traceEvent, NodeStatus status)
        {
            if (traceEvent.Type is not (TraceEventType.NodeCompleted or TraceEventType.NodeFailed) || Attempts is null)
            {
                return;
            }

            var index = Attempts.FindIndex(a => a.Attempt == traceEvent.Attempt);
            if (index < 0)
            {
                return;
            }

            var attempt = Attempts[index];
            Attempts[index] = attempt with
            {
                Status = status,
                EndedAt = traceEvent.Timestamp,
                DurationMs = (long)(traceEvent.Timestamp - attempt.StartedAt).TotalMilliseconds,
                Outputs = traceEvent.OutputSummary,
                Error = traceEvent.Error,
            };
        }

        public void Message(TraceEvent traceEvent) => LastMessage = traceEvent.Message ?? traceEvent.Error?.Message ?? LastMessage;

        public NodeState ToState() => new()
        {
            NodeId = nodeId,
            Status = Status,
            Attempt = Attempt,
            Progress = Progress,
            LastMessage = LastMessage,
            OutputSummary = OutputSummary,
            Error = Error,
            Artifacts = Artifacts is null ? [] : [.. Artifacts],
            StartedAt = StartedAt,
            CompletedAt = CompletedAt,
            DurationMs = StartedAt is { } started && CompletedAt is { } done ? (long)(done - started).TotalMilliseconds : null,
            LogCount = LogCount,
            FindingCount = FindingCount,
            HighestSeverity = HighestSeverity,
            Deliveries = Deliveries > 1 ? Deliveries : null,
        };
    }
}
