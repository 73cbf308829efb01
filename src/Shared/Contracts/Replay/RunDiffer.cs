using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>
/// Compares two runs by behaviour. Findings are matched by fingerprint; nodes are matched by id (across workflow
/// versions) and changed only by final status, attempts, outputs (structurally), findings, artifacts by SHA-256,
/// or a duration beyond the threshold. Logs are detail: their counts and the first event whose (type, message)
/// differs once <see cref="VolatileText"/> masked both, never a change on their own.
/// </summary>
public static class RunDiffer
{
    /// <summary>
    /// The smallest duration difference reported; the threshold is the larger of this and half the first run's
    /// duration. A second: below it, a scan's time is the machine's load, not the target's behaviour.
    /// </summary>
    public static readonly TimeSpan DurationThreshold = TimeSpan.FromSeconds(1);

    /// <summary>The difference from run <paramref name="before"/> to run <paramref name="after"/>, each its final state and its whole trace.</summary>
    public static RunDiff Diff(RunState before, IEnumerable<TraceEvent> beforeEvents, RunState after, IEnumerable<TraceEvent> afterEvents)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var eventsBefore = ByNode(beforeEvents);
        var eventsAfter = ByNode(afterEvents);
        var findings = CompareFindings(before.Findings ?? [], after.Findings ?? []);
        var findingsByNode = FindingsByNode(findings);
        var afterNodes = after.Nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var nodes = new List<NodeDiff>(before.Nodes.Count + after.Nodes.Count);
        foreach (var node in before.Nodes)
        {
            seen.Add(node.NodeId);
            nodes.Add(Compare(node.NodeId, node, afterNodes.GetValueOrDefault(node.NodeId), eventsBefore, eventsAfter, findingsByNode));
        }

        foreach (var node in after.Nodes)
        {
            if (!seen.Contains(node.NodeId))
            {
                nodes.Add(Compare(node.NodeId, null, node, eventsBefore, eventsAfter, findingsByNode));
            }
        }

        return new RunDiff
        {
            RunId = before.RunId,
            OtherRunId = after.RunId,
            WorkflowId = before.WorkflowId,
            OtherWorkflowId = after.WorkflowId,
            Identical = before.Status == after.Status && findings.IsEmpty && nodes.TrueForAll(n => n.Change == NodeChange.Unchanged),
            Status = before.Status != after.Status ? new ValueChange<RunStatus>(before.Status, after.Status) : null,
            Findings = findings,
            Nodes = nodes,
        };
    }

    private static NodeDiff Compare(
        string nodeId, NodeState? a, NodeState? b,
        Dictionary<string, List<NodeLine>> eventsA,
        Dictionary<string, List<NodeLine>> eventsB,
        Dictionary<string, NodeFindingsChange> findingsByNode)
    {
        var status = a?.Status != b?.Status ? new ValueChange<NodeStatus?>(a?.Status, b?.Status) : null;
        var output = !SameJson(a?.OutputSummary, b?.OutputSummary) ? new ValueChange<JsonElement?>(a?.OutputSummary, b?.OutputSummary) : null;
        var attempts = a?.Attempt != b?.Attempt ? new ValueChange<int?>(a?.Attempt, b?.Attempt) : null;
        var duration = DurationDiffers(a?.DurationMs, b?.DurationMs) ? new ValueChange<long?>(a?.DurationMs, b?.DurationMs) : null;
        var artifacts = Artifacts(a, b);
        var findings = findingsByNode.GetValueOrDefault(nodeId);
        var logs = new LogsDiff(a?.LogCount ?? 0, b?.LogCount ?? 0, FirstDivergence(eventsA.GetValueOrDefault(nodeId), eventsB.GetValueOrDefault(nodeId)));
        var change = a is null ? NodeChange.Added
            : b is null ? NodeChange.Removed
            : status is null && output is null && attempts is null && duration is null && artifacts is null && findings is null
                ? NodeChange.Unchanged
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
            Findings = findings,
            Logs = logs,
        };
    }

    /// <summary>Findings of two runs matched by fingerprint (the first run's <paramref name="before"/>, the other's <paramref name="after"/>).</summary>
    public static FindingsDiff CompareFindings(IEnumerable<RunFinding> before, IEnumerable<RunFinding> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var earlier = Latest(before);
        var later = Latest(after);
        List<RunFinding> added = [];
        List<RunFinding> resolved = [];
        List<FindingChange> changed = [];
        var unchanged = 0;
        foreach (var (fingerprint, finding) in later)
        {
            if (!earlier.TryGetValue(fingerprint, out var previous))
            {
                added.Add(finding);
            }
            else if (previous.Severity != finding.Severity || !string.Equals(previous.Evidence, finding.Evidence, StringComparison.Ordinal))
            {
                changed.Add(new FindingChange(fingerprint, previous, finding));
            }
            else
            {
                unchanged++;
            }
        }

        resolved.AddRange(earlier.Values.Where(finding => !later.ContainsKey(finding.Fingerprint)));
        return new FindingsDiff
        {
            Added = MostSevereFirst(added),
            Resolved = MostSevereFirst(resolved),
            Changed = [.. changed.OrderByDescending(c => c.After.Severity).ThenBy(c => c.Fingerprint, StringComparer.Ordinal)],
            UnchangedCount = unchanged,
        };

        static List<RunFinding> MostSevereFirst(List<RunFinding> findings)
            => [.. findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Fingerprint, StringComparer.Ordinal)];
    }

    // A fingerprint reported again (a retried attempt) counts once, as last reported.
    private static Dictionary<string, RunFinding> Latest(IEnumerable<RunFinding> findings)
    {
        var latest = new Dictionary<string, RunFinding>(StringComparer.Ordinal);
        foreach (var finding in findings)
        {
            if (!latest.TryGetValue(finding.Fingerprint, out var known) || known.Sequence <= finding.Sequence)
            {
                latest[finding.Fingerprint] = finding;
            }
        }

        return latest;
    }

    private static Dictionary<string, NodeFindingsChange> FindingsByNode(FindingsDiff findings)
    {
        var byNode = new Dictionary<string, NodeFindingsChange>(StringComparer.Ordinal);
        foreach (var finding in findings.Added)
        {
            byNode[finding.NodeId] = Of(finding.NodeId) with { Added = Of(finding.NodeId).Added + 1 };
        }

        foreach (var finding in findings.Resolved)
        {
            byNode[finding.NodeId] = Of(finding.NodeId) with { Resolved = Of(finding.NodeId).Resolved + 1 };
        }

        foreach (var change in findings.Changed)
        {
            byNode[change.After.NodeId] = Of(change.After.NodeId) with { Changed = Of(change.After.NodeId).Changed + 1 };
        }

        return byNode;

        NodeFindingsChange Of(string nodeId) => byNode.GetValueOrDefault(nodeId) ?? new NodeFindingsChange(0, 0, 0);
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

    private static Divergence? FirstDivergence(List<NodeLine>? a, List<NodeLine>? b)
    {
        a ??= [];
        b ??= [];
        var length = Math.Max(a.Count, b.Count);
        for (var i = 0; i < length; i++)
        {
            var x = i < a.Count ? a[i] : null;
            var y = i < b.Count ? b[i] : null;
            if (x is null || y is null || x.Type != y.Type || !string.Equals(x.Masked, y.Masked, StringComparison.Ordinal))
            {
                return new Divergence(i, x?.Describe(), y?.Describe());
            }
        }

        return null;
    }


    private static Dictionary<string, List<NodeLine>> ByNode(IEnumerable<TraceEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var byNode = new Dictionary<string, List<NodeLine>>(StringComparer.Ordinal);
        foreach (var traceEvent in events)
        {
            if (traceEvent.NodeId is { } nodeId)
            {
                if (!byNode.TryGetValue(nodeId, out var list))
                {
                    byNode.Add(nodeId, list = []);
                }

                // Logs compare by wording, not by the durations, ids and counts in them.
                list.Add(new NodeLine(traceEvent.Type, VolatileText.Masked(traceEvent.Message), traceEvent.Message));
            }
        }

        return byNode;
    }

    /// <summary>One event of a node as logs compare it: its type and masked wording; shown as written.</summary>
    private sealed record NodeLine(TraceEventType Type, string? Masked, string? Message)
    {
        public string Describe() => Message ?? WireName.Of(Type);
    }
}
