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
        var a = Run("a", ("scan", 1000, ["x"], null));
        Assert.True(Diff(a, Run("b", ("scan", 1400, ["x"], null))).Identical);

        var slow = Diff(a, Run("c", ("scan", 1600, ["x"], null)));
        Assert.False(slow.Identical);
        Assert.Equal(new ValueChange<long?>(1000, 1600), slow.Nodes[0].DurationMs);
    }

    [Fact]
    public void Artifacts_differ_by_content_hash_and_logs_by_first_divergence()
    {
        var a = Run("a", ("scan", 10, ["step 1 of 5", "step 2 of 5", "step 3 of 5"], new string('a', 64)));
        var b = Run("b", ("scan", 10, ["step 1 of 5", "step 2 of 5", "step 3 of 6"], new string('b', 64)));
        var node = Assert.Single(Diff(a, b).Nodes);
        Assert.Equal(NodeChange.Changed, node.Change);
        Assert.Equal(new ArtifactChange("report.md", new string('a', 64), new string('b', 64)), Assert.Single(node.Artifacts!));
        Assert.Equal(new Divergence(3, "step 3 of 5", "step 3 of 6"), node.FirstDivergence);
        Assert.Null(node.Status);
        Assert.Equal(new ValueChange<long>(3, 3), node.LogCount);
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
