using System.Text.Json;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.Shared.Tests.Replay;

/// <summary>The folding rules of the dashboard (fold.ts), on the server's folder.</summary>
public sealed class RunStateFolderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private long _sequence;

    private TraceEvent Event(TraceEventType type, string? nodeId, int attempt = 1, string? message = null) => new()
    {
        Id = $"e{_sequence + 1}",
        RunId = "run",
        NodeId = nodeId,
        Attempt = attempt,
        Type = type,
        Timestamp = T0.AddSeconds(_sequence),
        Sequence = ++_sequence,
        Message = message,
    };

    private static RunStateFolder Folder() => new("run", "wf", ["a", "b"]);

    [Fact]
    public void Nodes_without_events_are_idle_and_counted()
    {
        var state = Folder().State();
        Assert.Equal(["a", "b"], state.Nodes.Select(n => n.NodeId));
        Assert.All(state.Nodes, n => Assert.Equal(NodeStatus.Idle, n.Status));
        Assert.Equal(new RunProgress(2, 0, 0, 0), state.Progress);
        Assert.Equal(RunStatus.Queued, state.Status);
        Assert.Equal(0, state.Sequence);
    }

    [Fact]
    public void A_retried_node_goes_running_retrying_running_completed_and_a_new_attempt_clears_progress_and_error()
    {
        var folder = Folder();
        folder.Apply(Event(TraceEventType.WorkflowStatus, null, 0) with { Status = RunStatus.Running });
        folder.Apply(Event(TraceEventType.NodeStarted, "a"));
        folder.Apply(Event(TraceEventType.NodeProgress, "a") with { Progress = new TraceProgress(3, 10) });
        Assert.Equal(new TraceProgress(3, 10), folder.State().Nodes[0].Progress);
        Assert.Equal(new RunProgress(2, 0, 0, 1), folder.State().Progress);

        folder.Apply(Event(TraceEventType.NodeFailed, "a") with { Error = new TraceError("boom", "exception", WillRetry: true) });
        var retrying = folder.State().Nodes[0];
        Assert.Equal(NodeStatus.Retrying, retrying.Status);
        Assert.Equal("boom", retrying.LastMessage);
        Assert.Null(retrying.CompletedAt);

        folder.Apply(Event(TraceEventType.NodeStarted, "a", attempt: 2));
        var second = folder.State().Nodes[0];
        Assert.Equal((NodeStatus.Running, 2), (second.Status, second.Attempt));
        Assert.Null(second.Progress);
        Assert.Null(second.Error);

        folder.Apply(Event(TraceEventType.NodeLog, "a", 2, "line"));
        using var outputs = JsonDocument.Parse("""{"count":1}""");
        folder.Apply(Event(TraceEventType.NodeCompleted, "a", 2) with { OutputSummary = outputs.RootElement.Clone() });
        var done = folder.State().Nodes[0];
        Assert.Equal(NodeStatus.Completed, done.Status);
        Assert.Equal(1, done.LogCount);
        Assert.Equal("line", done.LastMessage);
        Assert.Equal(T0.AddSeconds(1), done.StartedAt);
        Assert.Equal((long)TimeSpan.FromSeconds(5).TotalMilliseconds, done.DurationMs);
        Assert.Equal(1, done.OutputSummary!.Value.GetProperty("count").GetInt32());
        Assert.Equal(new RunProgress(2, 1, 0, 0), folder.State().Progress);
    }

    [Fact]
    public void Cancelled_kinds_fold_to_cancelled_and_a_failed_run_names_its_node()
    {
        var folder = Folder();
        folder.Apply(Event(TraceEventType.NodeFailed, "a") with { Error = new TraceError("stopped", "cancelled") });
        folder.Apply(Event(TraceEventType.NodeSkipped, "b", 0) with { Error = new TraceError("run cancelled", "cancelled") });
        Assert.All(folder.State().Nodes, n => Assert.Equal(NodeStatus.Cancelled, n.Status));

        var failing = Folder();
        failing.Apply(Event(TraceEventType.NodeFailed, "a") with { Error = new TraceError("boom", "exception") });
        failing.Apply(Event(TraceEventType.NodeSkipped, "b", 0) with { Error = new TraceError("upstream", "upstream-failed") });
        failing.Apply(Event(TraceEventType.WorkflowStatus, "a", 0) with { Status = RunStatus.Failed, Error = new TraceError("boom", "exception") });
        var state = failing.State();
        Assert.Equal([NodeStatus.Failed, NodeStatus.Skipped], state.Nodes.Select(n => n.Status));
        Assert.Equal(new RunFailure("a", "boom"), state.Failure);
        Assert.Equal(new RunProgress(2, 0, 1, 0), state.Progress);
    }

    [Fact]
    public void An_artifact_is_listed_once_and_unknown_nodes_are_appended()
    {
        var artifact = new ArtifactReference { ArtifactId = "r", Name = "r.md", ContentType = "text/markdown", Size = 1, Sha256 = new string('a', 64), Container = "c", BlobName = "b" };
        var folder = Folder();
        folder.Apply(Event(TraceEventType.NodeArtifact, "x") with { Artifact = artifact });
        folder.Apply(Event(TraceEventType.NodeArtifact, "x") with { Artifact = artifact });
        var state = folder.State();
        Assert.Equal(["a", "b", "x"], state.Nodes.Select(n => n.NodeId));
        Assert.Single(state.Nodes[2].Artifacts);
    }

    [Fact]
    public void Continuing_from_a_serialised_snapshot_equals_folding_straight_through()
    {
        var events = SyntheticRunTrace.Generate("run", ["a", "b"], 500, T0).ToList();
        var straight = new RunStateFolder("run", "wf", ["a", "b"]);
        var first = new RunStateFolder("run", "wf", ["a", "b"]);
        foreach (var e in events)
        {
            straight.Apply(e);
        }

        foreach (var e in events.Take(200))
        {
            first.Apply(e);
        }

        var json = JsonSerializer.Serialize(first.State(), ShipSecJson.Options);
        var resumed = RunStateFolder.From(JsonSerializer.Deserialize<RunState>(json, ShipSecJson.Options)!);
        foreach (var e in events.Skip(200))
        {
            resumed.Apply(e);
        }

        Assert.Equal(JsonSerializer.Serialize(straight.State(), ShipSecJson.Options), JsonSerializer.Serialize(resumed.State(), ShipSecJson.Options));
        Assert.Equal(RunStatus.Completed, resumed.State().Status);
    }
}
