using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.Replay;

/// <summary>What the run diff reports, and what it leaves out.</summary>
public sealed class RunDifferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static (RunState State, List<TraceEvent> Events) Run(string runId, params (string Node, long DurationMs, string[] Lines, string? Sha)[] nodes)
    {
        var events = new List<TraceEvent>();
        TraceEvent Add(TraceEventType type, string node, DateTimeOffset at, string? message = null)
        {
            var e = new TraceEvent { Id = $"{runId}-{events.Count}", RunId = runId, NodeId = node, Attempt = 1, Type = type, Timestamp = at, Sequence = events.Count + 1, Message = message };
            events.Add(e);
            return e;
        }

        foreach (var (node, duration, lines, sha) in nodes)
        {
            Add(TraceEventType.NodeStarted, node, T0);
            foreach (var line in lines)
            {
                Add(TraceEventType.NodeLog, node, T0, line);
            }

            if (sha is not null)
            {
                var artifact = new ArtifactReference { ArtifactId = "r", Name = "report.md", ContentType = "text/markdown", Size = 1, Sha256 = sha, Container = "c", BlobName = "b" };
                events.Add(new TraceEvent { Id = $"{runId}-{events.Count}", RunId = runId, NodeId = node, Attempt = 1, Type = TraceEventType.NodeArtifact, Timestamp = T0, Sequence = events.Count + 1, Artifact = artifact });
            }

            Add(TraceEventType.NodeCompleted, node, T0.AddMilliseconds(duration));
        }

        var folder = new RunStateFolder(runId, "wf", []);
        events.ForEach(folder.Apply);
        return (folder.State(), events);
    }

    private static RunDiff Diff((RunState State, List<TraceEvent> Events) a, (RunState State, List<TraceEvent> Events) b)
        => RunDiffer.Diff(a.State, a.Events, b.State, b.Events);

    [Fact]
    public void Small_duration_jitter_is_not_a_difference_but_a_slow_node_is()
    {
        var a = Run("a", ("scan", 4000, ["x"], null));
        Assert.True(Diff(a, Run("b", ("scan", 5900, ["x"], null))).Identical);
        Assert.True(Diff(Run("fast", ("scan", 40, ["x"], null)), Run("slower", ("scan", 900, ["x"], null))).Identical);

        var slow = Diff(a, Run("c", ("scan", 6500, ["x"], null)));
        Assert.False(slow.Identical);
        Assert.Equal(new ValueChange<long?>(4000, 6500), slow.Nodes[0].DurationMs);
    }

    [Fact]
    public void Artifacts_differ_by_content_hash()
    {
        var a = Run("a", ("scan", 10, ["step 1 of 5"], new string('a', 64)));
        var b = Run("b", ("scan", 10, ["step 1 of 5"], new string('b', 64)));
        var diff = Diff(a, b);
        var node = Assert.Single(diff.Nodes);
        Assert.False(diff.Identical);
        Assert.Equal(NodeChange.Changed, node.Change);
        Assert.Equal(new ArtifactChange("report.md", new string('a', 64), new string('b', 64)), Assert.Single(node.Artifacts!));
        Assert.Null(node.Status);
    }

    [Fact]
    public void Log_lines_that_differ_only_in_durations_ids_and_digests_are_not_a_difference()
    {
        var a = Run("a", ("scan", 10, ["completed in 15 ms", "run 3f2c9a1e-77aa-4b1e-9c0d-1234567890ab at 2026-11-29T10:00:01.123Z", "sha256 9f86d081884c7d65"], null));
        var b = Run("b", ("scan", 10, ["completed in 3 ms", "run 0b1c2d3e-0000-4b1e-9c0d-abcdefabcdef at 2026-11-30T08:59:59Z", "sha256 2c26b46b68ffc68f"], null));

        var diff = Diff(a, b);

        Assert.True(diff.Identical);
        var node = Assert.Single(diff.Nodes);
        Assert.Equal(NodeChange.Unchanged, node.Change);
        Assert.Equal(new LogsDiff(3, 3, null), node.Logs);
    }

    [Fact]
    public void Changed_wording_is_reported_as_detail_without_marking_the_node_changed()
    {
        var a = Run("a", ("scan", 10, ["step 1 of 5", "host is up"], null));
        var b = Run("b", ("scan", 10, ["step 1 of 6", "host is down"], null));

        var diff = Diff(a, b);

        Assert.True(diff.Identical);
        var node = Assert.Single(diff.Nodes);
        Assert.Equal(NodeChange.Unchanged, node.Change);
        // Index 2: the node's own events are started, "step …" (equal once masked), then the differing line, shown as written.
        Assert.Equal(new Divergence(2, "host is up", "host is down"), node.Logs.FirstDivergence);
    }

    [Fact]
    public void Findings_are_matched_by_fingerprint_into_added_resolved_changed_and_unchanged()
    {
        var a = WithFindings("a", ("fp-kept", FindingSeverity.Info, "e"), ("fp-fixed", FindingSeverity.High, "e"), ("fp-worse", FindingSeverity.Low, "e"));
        var b = WithFindings("b", ("fp-kept", FindingSeverity.Info, "e"), ("fp-new", FindingSeverity.Medium, "e"), ("fp-worse", FindingSeverity.Critical, "e"));

        var diff = Diff(a, b);

        Assert.False(diff.Identical);
        Assert.Equal(["fp-new"], diff.Findings.Added.Select(f => f.Fingerprint));
        Assert.Equal(["fp-fixed"], diff.Findings.Resolved.Select(f => f.Fingerprint));
        var changed = Assert.Single(diff.Findings.Changed);
        Assert.Equal(("fp-worse", FindingSeverity.Low, FindingSeverity.Critical), (changed.Fingerprint, changed.Before.Severity, changed.After.Severity));
        Assert.Equal(1, diff.Findings.UnchangedCount);
        var node = Assert.Single(diff.Nodes);
        Assert.Equal(NodeChange.Changed, node.Change);
        Assert.Equal(new NodeFindingsChange(1, 1, 1), node.Findings);
        Assert.Equal((1, 1), FindingsDiff.Movement(
            a.State.Findings!.Select(f => f.Fingerprint).ToHashSet(), b.State.Findings!.Select(f => f.Fingerprint).ToHashSet()));
    }

    [Fact]
    public void The_same_findings_with_other_evidence_are_changed_and_with_the_same_evidence_identical()
    {
        var a = WithFindings("a", ("fp", FindingSeverity.Info, "banner: nginx"));
        Assert.True(Diff(a, WithFindings("b", ("fp", FindingSeverity.Info, "banner: nginx"))).Identical);

        var diff = Diff(a, WithFindings("c", ("fp", FindingSeverity.Info, "banner: apache")));
        Assert.False(diff.Identical);
        Assert.Equal("banner: apache", Assert.Single(diff.Findings.Changed).After.Evidence);
    }

    private static (RunState State, List<TraceEvent> Events) WithFindings(string runId, params (string Fingerprint, FindingSeverity Severity, string Evidence)[] findings)
    {
        var events = new List<TraceEvent>
        {
            new() { Id = $"{runId}-0", RunId = runId, NodeId = "scan", Attempt = 1, Type = TraceEventType.NodeStarted, Timestamp = T0, Sequence = 1 },
        };
        foreach (var (fingerprint, severity, evidence) in findings)
        {
            var finding = new Finding
            {
                Fingerprint = fingerprint,
                RuleId = "rule",
                Title = fingerprint,
                Severity = severity,
                Asset = new FindingAsset("127.0.0.1"),
                Evidence = evidence,
            };
            events.Add(new TraceEvent { Id = $"{runId}-{events.Count}", RunId = runId, NodeId = "scan", Attempt = 1, Type = TraceEventType.NodeFinding, Timestamp = T0, Sequence = events.Count + 1, Finding = finding });
        }

        events.Add(new TraceEvent { Id = $"{runId}-{events.Count}", RunId = runId, NodeId = "scan", Attempt = 1, Type = TraceEventType.NodeCompleted, Timestamp = T0.AddMilliseconds(10), Sequence = events.Count + 1 });
        var folder = new RunStateFolder(runId, "wf", []);
        events.ForEach(folder.Apply);
        return (folder.State(), events);
    }

    [Fact]
    public void Nodes_only_in_one_run_are_added_or_removed()
    {
        var diff = Diff(Run("a", ("old", 10, [], null), ("both", 10, [], null)), Run("b", ("both", 10, [], null), ("new", 10, [], null)));
        Assert.Equal(
            [("old", NodeChange.Removed), ("both", NodeChange.Unchanged), ("new", NodeChange.Added)],
            diff.Nodes.Select(n => (n.NodeId, n.Change)));
    }
}
