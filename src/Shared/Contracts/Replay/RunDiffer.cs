using System.Text.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>
/// Compares two runs node by node (matched by id, across workflow versions): final status, output summary,
/// attempts, duration (beyond a threshold), artifacts by SHA-256, log volume, and the first event whose
/// (type, message) differs in the node's own event list.
/// </summary>
public static class RunDiffer
{
    /// <summary>The smallest duration difference reported; the threshold is the larger of this and half the first run's duration.</summary>
    public static readonly TimeSpan DurationThreshold = TimeSpan.FromMilliseconds(250);

    /// <summary>The difference from run <paramref name="before"/> to run <paramref name="after"/>, each its final state and its whole trace.</summary>
    public static RunDiff Diff(RunState before, IEnumerable<TraceEvent> beforeEvents, RunState after, IEnumerable<TraceEvent> afterEvents)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var eventsBefore = ByNode(beforeEvents);
        var eventsAfter = ByNode(afterEvents);
        var afterNodes = after.Nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var nodes = new List<NodeDiff>(before.Nodes.Count + after.Nodes.Count);
        foreach (var node in before.Nodes)
        {
            seen.Add(node.NodeId);
            nodes.Add(Compare(node.NodeId, node, afterNodes.GetValueOrDefault(node.NodeId), eventsBefore, eventsAfter));
        }

        foreach (var node in after.Nodes)
        {
            if (!seen.Contains(node.NodeId))
            {
                nodes.Add(Compare(node.NodeId, null, node, eventsBefore, eventsAfter));
            }
        }

        return new RunDiff
        {
            RunId = before.RunId,
            OtherRunId = after.RunId,
            WorkflowId = before.WorkflowId,
            OtherWorkflowId = after.WorkflowId,
            Identical = nodes.TrueForAll(n => n.Change == NodeChange.Unchanged),
            Nodes = nodes,
        };
    }

    private static NodeDiff Compare(
        string nodeId, NodeState? a, NodeState? b,
        Dictionary<string, List<(TraceEventType Type, string? Message)>> eventsA,
        Dictionary<string, List<(TraceEventType Type, string? Message)>> eventsB)
    {
        var status = a?.Status != b?.Status ? new ValueChange<NodeStatus?>(a?.Status, b?.Status) : null;
        var output = !SameJson(a?.OutputSummary, b?.OutputSummary) ? new ValueChange<JsonElement?>(a?.OutputSummary, b?.OutputSummary) : null;
        var attempts = a?.Attempt != b?.Attempt ? new ValueChange<int?>(a?.Attempt, b?.Attempt) : null;
        var duration = DurationDiffers(a?.DurationMs, b?.DurationMs) ? new ValueChange<long?>(a?.DurationMs, b?.DurationMs) : null;
        var artifacts = Artifacts(a, b);
        var logCount = new ValueChange<long>(a?.LogCount ?? 0, b?.LogCount ?? 0);
        var divergence = FirstDivergence(eventsA.GetValueOrDefault(nodeId), eventsB.GetValueOrDefault(nodeId));
        var change = a is null ? NodeChange.Added
            : b is null ? NodeChange.Removed
            : status is null && output is null && attempts is null && duration is null && artifacts is null
              && logCount.Before == logCount.After && divergence is null ? NodeChange.Unchanged
            : NodeChange.Changed;
        return new NodeDiff
        {
            NodeId = nodeId,
            Change = change,
            Status = status,
            OutputSummary = output,
            Attempts = attempts,
            DurationMs = duration,
            Artifacts = artifacts,
            LogCount = logCount,
            FirstDivergence = divergence,
        };
    }

    private static bool SameJson(JsonElement? a, JsonElement? b)
        => a is { } x && b is { } y ? JsonElement.DeepEquals(x, y) : a is null && b is null;

    private static bool DurationDiffers(long? before, long? after)
    {
        if (before is not { } a || after is not { } b)
        {
            return before.HasValue != after.HasValue;
        }

        var threshold = Math.Max((long)DurationThreshold.TotalMilliseconds, a / 2);
        return Math.Abs(b - a) > threshold;
    }

    private static List<ArtifactChange>? Artifacts(NodeState? a, NodeState? b)
    {
        var before = Hashes(a);
        var after = Hashes(b);
        List<ArtifactChange>? changes = null;
        foreach (var (name, hash) in before)
        {
            var other = after.GetValueOrDefault(name);
            if (!string.Equals(hash, other, StringComparison.OrdinalIgnoreCase))
            {
                (changes ??= []).Add(new ArtifactChange(name, hash, other));
            }
        }

        foreach (var (name, hash) in after)
        {
            if (!before.ContainsKey(name))
            {
                (changes ??= []).Add(new ArtifactChange(name, null, hash));
            }
        }

        return changes;
    }

    private static Dictionary<string, string> Hashes(NodeState? node)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var artifact in node?.Artifacts ?? [])
        {
            // A later attempt's artifact of the same name replaces the earlier one.
            hashes[artifact.Name] = artifact.Sha256;
        }

        return hashes;
    }

    private static Divergence? FirstDivergence(List<(TraceEventType Type, string? Message)>? a, List<(TraceEventType Type, string? Message)>? b)
    {
        a ??= [];
        b ??= [];
        var length = Math.Max(a.Count, b.Count);
        for (var i = 0; i < length; i++)
        {
            var x = i < a.Count ? a[i] : default((TraceEventType, string?)?);
            var y = i < b.Count ? b[i] : default((TraceEventType, string?)?);
            if (x != y)
            {
                return new Divergence(i, Describe(x), Describe(y));
            }
        }

        return null;
    }

    private static string? Describe((TraceEventType Type, string? Message)? entry)
        => entry is { } e ? e.Message ?? JsonSerializer.Serialize(e.Type, Json.ShipSecJson.Options).Trim('"') : null;

    private static Dictionary<string, List<(TraceEventType Type, string? Message)>> ByNode(IEnumerable<TraceEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var byNode = new Dictionary<string, List<(TraceEventType, string?)>>(StringComparer.Ordinal);
        foreach (var traceEvent in events)
        {
            if (traceEvent.NodeId is { } nodeId)
            {
                if (!byNode.TryGetValue(nodeId, out var list))
                {
                    byNode.Add(nodeId, list = []);
                }

                list.Add((traceEvent.Type, traceEvent.Message));
            }
        }

        return byNode;
    }
}
