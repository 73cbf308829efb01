using ShipSec.Shared.Dsl;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>
/// A run's state at any point of its trace, and the difference between two runs. The state at sequence
/// s is the latest snapshot at or below s plus the events after it, so its cost is bounded by the
/// snapshot interval, not the run's length. Snapshots are made lazily: a fold that passes a multiple of
/// <see cref="SnapshotInterval"/> stores the state there (idempotently), so the next query starts from it.
/// </summary>
public sealed class RunReplay(IWorkflowStore workflows, IRunHistory history)
{
    /// <summary>The default number of events between snapshots.</summary>
    public const int DefaultSnapshotInterval = 5000;

    /// <summary>Events between snapshots.</summary>
    public int SnapshotInterval { get; init; } = DefaultSnapshotInterval;

    /// <summary>The state after the event at <paramref name="sequence"/> (clamped to the last stored; null → the last).</summary>
    public async Task<RunState> StateAtSequenceAsync(RunSummary run, long? sequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var last = await history.LastSequenceAsync(run.RunId, cancellationToken);
        var target = sequence is { } s ? Math.Min(Math.Max(s, 0), last) : last;
        var folder = await FoldAsync(run, target, cancellationToken);
        return folder.State();
    }

    /// <summary>The state at a moment: after the last event stamped at or before <paramref name="at"/>.</summary>
    public async Task<RunState> StateAtTimeAsync(RunSummary run, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var target = await history.SequenceAtAsync(run.RunId, at, cancellationToken);
        var folder = await FoldAsync(run, target, cancellationToken);
        return folder.State(at);
    }

    /// <summary>How run <paramref name="other"/> differs from run <paramref name="run"/>.</summary>
    public async Task<RunDiff> DiffAsync(RunSummary run, RunSummary other, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(other);
        var (before, beforeEvents) = await FoldAllAsync(run, cancellationToken);
        var (after, afterEvents) = await FoldAllAsync(other, cancellationToken);
        return RunDiffer.Diff(before, beforeEvents, after, afterEvents);
    }

    /// <summary>
    /// One node of a run folded from the run's trace up to the event at <paramref name="upTo"/> (the whole trace when null:
    /// a replay shows the node as it was at the replayed moment): its definition in the run's workflow version, its
    /// attempts, artifacts and findings. Null when the node is neither in that version nor in the trace.
    /// </summary>
    public async Task<NodeInspection?> InspectNodeAsync(RunSummary run, string nodeId, long? upTo = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(nodeId);
        var stored = await workflows.GetAsync(run.WorkflowId, run.WorkflowVersion, cancellationToken);
        var folder = new RunStateFolder(run.RunId, run.WorkflowId, stored is null ? [] : stored.Definition.Nodes.Select(n => n.Id));
        await foreach (var traceEvent in history.ReadAsync(run.RunId, 0, upTo ?? long.MaxValue, cancellationToken))
        {
            folder.Apply(traceEvent);
        }

        var state = folder.State();
        if (state.Nodes.FirstOrDefault(n => n.NodeId == nodeId) is not { } node)
        {
            return null;
        }

        return new NodeInspection
        {
            RunId = run.RunId,
            NodeId = nodeId,
            Definition = stored?.Definition.Nodes.FirstOrDefault(n => n.Id == nodeId),
            State = node,
            Attempts = folder.AttemptsOf(nodeId),
            Artifacts = node.Artifacts,
            Findings = [.. state.Findings.Where(f => f.NodeId == nodeId)],
        };
    }

    /// <summary>
    /// What <paramref name="nodeId"/>'s processes printed in one attempt (<paramref name="attempt"/>, or its last when
    /// null). Null when the node is neither in the run's workflow version nor in its trace.
    /// </summary>
    public async Task<NodeTerminal?> TerminalAsync(RunSummary run, string nodeId, int? attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(nodeId);
        var folder = new RunStateFolder(run.RunId, run.WorkflowId, await NodeIdsAsync(run, cancellationToken));
        var output = new List<TraceEvent>();
        await foreach (var traceEvent in history.ReadAsync(run.RunId, 0, long.MaxValue, cancellationToken))
        {
            folder.Apply(traceEvent);
            if (traceEvent.NodeId == nodeId && traceEvent.Type is TraceEventType.NodeStarted or TraceEventType.NodeLog)
            {
                output.Add(traceEvent);
            }
        }

        if (!folder.State().Nodes.Any(n => n.NodeId == nodeId))
        {
            return null;
        }

        var attempts = folder.AttemptsOf(nodeId);
        var terminal = new NodeTerminal(run.RunId, nodeId, attempt ?? (attempts.Count > 0 ? attempts[^1].Attempt : 1));
        foreach (var traceEvent in output)
        {
            terminal.Apply(traceEvent);
        }

        return terminal;
    }

    /// <summary>Every attempt of the run on a timeline, with the critical path (see <see cref="AttemptTimeline"/>).</summary>
    /// <param name="run">The run.</param>
    /// <param name="dependencyIds">The ids a node depends on, explicitly and through references (the DSL's rule).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<RunAttempts> AttemptsAsync(RunSummary run, Func<NodeDefinition, IEnumerable<string>> dependencyIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(dependencyIds);
        var stored = await workflows.GetAsync(run.WorkflowId, run.WorkflowVersion, cancellationToken);
        var nodes = stored is null ? [] : stored.Definition.Nodes;
        var folder = new RunStateFolder(run.RunId, run.WorkflowId, nodes.Select(n => n.Id));
        await foreach (var traceEvent in history.ReadAsync(run.RunId, 0, long.MaxValue, cancellationToken))
        {
            folder.Apply(traceEvent);
        }

        return AttemptTimeline.Build(folder, [.. nodes.Select(n => KeyValuePair.Create(n.Id, (IReadOnlyList<string>)[.. dependencyIds(n)]))]);
    }

    /// <summary>The node ids of the workflow version a run used, in definition order (none when that version is gone).</summary>
    public async Task<IReadOnlyList<string>> NodeIdsAsync(RunSummary run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var stored = await workflows.GetAsync(run.WorkflowId, run.WorkflowVersion, cancellationToken);
        return stored is null ? [] : [.. stored.Definition.Nodes.Select(n => n.Id)];
    }

    private async Task<RunStateFolder> FoldAsync(RunSummary run, long target, CancellationToken cancellationToken)
    {
        var snapshot = target >= SnapshotInterval ? await history.SnapshotAsync(run.RunId, target, cancellationToken) : null;
        var folder = snapshot is null
            ? new RunStateFolder(run.RunId, run.WorkflowId, await NodeIdsAsync(run, cancellationToken))
            : RunStateFolder.From(snapshot);
        List<RunState>? made = null;
        await foreach (var traceEvent in history.ReadAsync(run.RunId, folder.Sequence, target, cancellationToken))
        {
            folder.Apply(traceEvent);
            if (traceEvent.Sequence % SnapshotInterval == 0)
            {
                (made ??= []).Add(folder.State());
            }
        }

        if (made is not null)
        {
            await history.SaveSnapshotsAsync(made, cancellationToken);
        }

        return folder;
    }

    private async Task<(RunState State, List<TraceEvent> Events)> FoldAllAsync(RunSummary run, CancellationToken cancellationToken)
    {
        var folder = new RunStateFolder(run.RunId, run.WorkflowId, await NodeIdsAsync(run, cancellationToken));
        var events = new List<TraceEvent>();
        await foreach (var traceEvent in history.ReadAsync(run.RunId, 0, long.MaxValue, cancellationToken))
        {
            folder.Apply(traceEvent);
            events.Add(traceEvent);
        }

        return (folder.State(), events);
    }
}
