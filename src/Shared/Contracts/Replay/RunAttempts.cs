using System.Text.Json.Serialization;
using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Replay;

/// <summary>
/// Where a run's time went: the body of <c>GET /api/workflows/runs/{runId}/attempts</c>. Every attempt of every node
/// as an interval cut into phases, and the critical path through the DAG. Built by <see cref="AttemptTimeline"/> from
/// the attempts <see cref="RunStateFolder"/> keeps, so it agrees with the node inspector.
/// </summary>
public sealed record RunAttempts
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>Its status after the events read.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>When it started running; null before it did.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended; null while it runs.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The timestamp of the last event read: where open intervals stop for now.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The sequence of the last event read.</summary>
    public required long Sequence { get; init; }

    /// <summary>Every attempt, by node in definition order, then by attempt.</summary>
    public required IReadOnlyList<AttemptSpan> Attempts { get; init; }

    /// <summary>
    /// The chain of nodes that decided when the run ended, first to last: from the node that ended last, back through
    /// the dependency that ended last each time (the one it waited for).
    /// </summary>
    public required IReadOnlyList<string> CriticalPath { get; init; }

    /// <summary>From the run's start to the end of the critical path's last node, in milliseconds.</summary>
    public long? CriticalPathMs { get; init; }
}

/// <summary>One attempt of one node on the timeline.</summary>
public sealed record AttemptSpan
{
    /// <summary>The node.</summary>
    public required string NodeId { get; init; }

    /// <summary>The attempt number (1-based).</summary>
    public required int Attempt { get; init; }

    /// <summary>How the attempt ended, or that it still runs or waits.</summary>
    public required NodeStatus Status { get; init; }

    /// <summary>Where its first phase starts.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>Where its last phase ends; null while it is open.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>Its phases, in time order, without gaps.</summary>
    public required IReadOnlyList<AttemptPhase> Phases { get; init; }

    /// <summary>True when its node is on the critical path.</summary>
    public bool Critical { get; init; }
}

/// <summary>A stretch of an attempt.</summary>
/// <param name="Kind">What the attempt was doing.</param>
/// <param name="Start">When it began.</param>
/// <param name="End">When it ended; null while it lasts.</param>
/// <param name="DurationMs">From start to end in milliseconds; null while it lasts.</param>
public sealed record AttemptPhase(AttemptPhaseKind Kind, DateTimeOffset Start, DateTimeOffset? End, long? DurationMs);

/// <summary>What an attempt was doing in a phase.</summary>
public enum AttemptPhaseKind
{
    /// <summary>Its dependencies were done (or the run had started) and it had not started yet.</summary>
    [JsonStringEnumMemberName("queued")] Queued,

    /// <summary>Its component ran.</summary>
    [JsonStringEnumMemberName("running")] Running,

    /// <summary>It waited for a person's decision (an approval step).</summary>
    [JsonStringEnumMemberName("waiting")] Waiting,

    /// <summary>Between the end of the previous attempt and its start: the retry delay, then the queue.</summary>
    [JsonStringEnumMemberName("backoff")] Backoff,
}

/// <summary>Builds <see cref="RunAttempts"/> from a folder that has applied a run's whole trace (or a prefix of it).</summary>
public static class AttemptTimeline
{
    /// <summary>The timeline of the run <paramref name="folder"/> folded.</summary>
    /// <param name="folder">The fold, after the events to show.</param>
    /// <param name="nodes">The run's nodes in definition order with the ids each depends on (explicit and through references).</param>
    public static RunAttempts Build(RunStateFolder folder, IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> nodes)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(nodes);
        var state = folder.State();
        var runStart = folder.RunStartedAt;
        var dependencies = nodes.ToDictionary(n => n.Key, n => n.Value, StringComparer.Ordinal);
        var order = nodes.Select(n => n.Key).Concat(state.Nodes.Select(n => n.NodeId)).Distinct(StringComparer.Ordinal).ToList();
        var attemptsOf = order.ToDictionary(id => id, folder.AttemptsOf, StringComparer.Ordinal);

        // An open interval ends where the run ended, or else where the trace read stops.
        DateTimeOffset? EndOf(NodeAttempt attempt) => attempt.EndedAt ?? folder.RunEndedAt;
        DateTimeOffset? NodeEnd(string nodeId) => attemptsOf.TryGetValue(nodeId, out var list) && list.Count > 0 ? EndOf(list[^1]) ?? folder.At : null;
        IEnumerable<string> DependenciesOf(string nodeId) => dependencies.TryGetValue(nodeId, out var ids) ? ids : [];

        var spans = new List<AttemptSpan>();
        foreach (var nodeId in order)
        {
            var attempts = attemptsOf[nodeId];
            for (var i = 0; i < attempts.Count; i++)
            {
                var attempt = attempts[i];
                var phases = new List<AttemptPhase>(3);
                var begin = i == 0 ? ReadyAt(nodeId) : attempts[i - 1].EndedAt;
                if (begin is { } from && from < attempt.StartedAt)
                {
                    phases.Add(Phase(i == 0 ? AttemptPhaseKind.Queued : AttemptPhaseKind.Backoff, from, attempt.StartedAt));
                }

                var end = EndOf(attempt);
                if (attempt.WaitingFrom is { } waiting)
                {
                    if (waiting > attempt.StartedAt)
                    {
                        phases.Add(Phase(AttemptPhaseKind.Running, attempt.StartedAt, waiting));
                    }

                    phases.Add(Phase(AttemptPhaseKind.Waiting, waiting, end));
                }
                else
                {
                    phases.Add(Phase(AttemptPhaseKind.Running, attempt.StartedAt, end));
                }

                spans.Add(new AttemptSpan
                {
                    NodeId = nodeId,
                    Attempt = attempt.Attempt,
                    Status = attempt.Status,
                    Start = phases[0].Start,
                    End = end,
                    Phases = phases,
                });
            }
        }

        var path = CriticalPath();
        var onPath = path.ToHashSet(StringComparer.Ordinal);
        return new RunAttempts
        {
            RunId = folder.RunId,
            Status = state.Status,
            StartedAt = runStart,
            EndedAt = folder.RunEndedAt,
            At = folder.At,
            Sequence = folder.Sequence,
            Attempts = [.. spans.Select(s => onPath.Contains(s.NodeId) ? s with { Critical = true } : s)],
            CriticalPath = path,
            CriticalPathMs = path.Count > 0 && runStart is { } started && NodeEnd(path[^1]) is { } last ? (long)(last - started).TotalMilliseconds : null,
        };

        // A node is ready once every dependency that ran has ended; a node without any is ready when the run starts.
        DateTimeOffset? ReadyAt(string nodeId)
        {
            DateTimeOffset? ready = runStart;
            foreach (var dependency in DependenciesOf(nodeId))
            {
                if (NodeEnd(dependency) is { } end && (ready is null || end > ready))
                {
                    ready = end;
                }
            }

            return ready;
        }

        List<string> CriticalPath()
        {
            string? current = null;
            DateTimeOffset? latest = null;
            foreach (var nodeId in order)
            {
                if (NodeEnd(nodeId) is { } end && (latest is null || end > latest))
                {
                    (current, latest) = (nodeId, end);
                }
            }

            var path = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (current is not null && seen.Add(current))
            {
                path.Add(current);
                string? gate = null;
                DateTimeOffset? gateEnd = null;
                foreach (var dependency in DependenciesOf(current))
                {
                    if (NodeEnd(dependency) is { } end && (gateEnd is null || end > gateEnd))
                    {
                        (gate, gateEnd) = (dependency, end);
                    }
                }

                current = gate;
            }

            path.Reverse();
            return path;
        }
    }

    private static AttemptPhase Phase(AttemptPhaseKind kind, DateTimeOffset start, DateTimeOffset? end)
        => new(kind, start, end, end is { } e ? (long)(e - start).TotalMilliseconds : null);
}
