using ShipSec.Shared.Postgres;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Tests.Postgres;

namespace ShipSec.Shared.Tests.Trace;

public sealed class PostgresRunStoreTests(PostgresSchemaFixture database) : IClassFixture<PostgresSchemaFixture>
{
    private readonly PostgresTraceStore _trace = new(database.DataSource);
    private readonly PostgresRunStore _runs = new(database.DataSource);

    [Fact]
    public async Task The_summary_follows_workflow_status_and_node_lifecycle_events()
    {
        var runId = await CreateRunAsync("recon", nodesTotal: 3, TraceEvents.At(0));

        var queued = await _runs.GetAsync(runId);
        Assert.Equal((RunStatus.Queued, new RunProgress(3, 0, 0, 0), (DateTimeOffset?)null), (queued!.Status, queued.Progress, queued.StartedAt));

        Assert.Equal(TraceEvents.At(0), queued.UpdatedAt);

        // Updated when the change was stored (PostgreSQL's clock, microseconds: compare from a millisecond earlier).
        var beforeAppend = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        await _trace.AppendAsync([TraceEvents.Status(runId, RunStatus.Running, 1), TraceEvents.Started(runId, "discover", 1, 2)]);
        var afterAppend = DateTimeOffset.UtcNow.AddMilliseconds(1);
        var running = await _runs.GetAsync(runId);
        Assert.Equal((RunStatus.Running, TraceEvents.At(1), new RunProgress(3, 0, 0, 1)), (running!.Status, running.StartedAt, running.Progress));
        Assert.Null(running.CompletedAt);
        Assert.InRange(running.UpdatedAt, beforeAppend, afterAppend);

        await _trace.AppendAsync([TraceEvents.Failed(runId, "discover", 1, 3, willRetry: true)]);
        var retrying = await _runs.GetAsync(runId);
        Assert.Equal(new RunProgress(3, 0, 0, 1), retrying!.Progress);

        await _trace.AppendAsync([
            TraceEvents.Started(runId, "discover", 2, 4),
            TraceEvents.Completed(runId, "discover", 2, 5),
            TraceEvents.Started(runId, "probe", 1, 6),
        ]);
        Assert.Equal(new RunProgress(3, 1, 0, 1), (await _runs.GetAsync(runId))!.Progress);

        await _trace.AppendAsync([
            TraceEvents.Failed(runId, "probe", 1, 7, willRetry: false, "connection refused"),
            TraceEvents.Skipped(runId, "report", 8),
            TraceEvents.Status(runId, RunStatus.Failed, 9, nodeId: "probe", reason: "probe failed: connection refused"),
        ]);
        var failed = await _runs.GetAsync(runId);
        Assert.Equal(RunStatus.Failed, failed!.Status);
        Assert.Equal(TraceEvents.At(1), failed.StartedAt);
        Assert.Equal(TraceEvents.At(9), failed.CompletedAt);
        Assert.Equal(new RunFailure("probe", "probe failed: connection refused"), failed.Failure);
        Assert.Equal(new RunProgress(3, 1, 1, 0), failed.Progress);
    }

    [Fact]
    public async Task A_whole_run_in_one_batch_sets_both_start_and_completion()
    {
        var runId = await CreateRunAsync("quick", nodesTotal: 1, TraceEvents.At(0));

        await _trace.AppendAsync([
            TraceEvents.Status(runId, RunStatus.Running, 1),
            TraceEvents.Started(runId, "only", 1, 2),
            TraceEvents.Completed(runId, "only", 1, 3),
            TraceEvents.Status(runId, RunStatus.Completed, 4),
        ]);

        var summary = await _runs.GetAsync(runId);
        Assert.Equal(
            (RunStatus.Completed, (DateTimeOffset?)TraceEvents.At(1), (DateTimeOffset?)TraceEvents.At(4), (RunFailure?)null, new RunProgress(1, 1, 0, 0)),
            (summary!.Status, summary.StartedAt, summary.CompletedAt, summary.Failure, summary.Progress));
    }

    [Fact]
    public async Task A_redelivered_status_event_does_not_move_the_summary_back()
    {
        var runId = await CreateRunAsync("replayed", nodesTotal: 1, TraceEvents.At(0));
        await _trace.AppendAsync([TraceEvents.Status(runId, RunStatus.Running, 1), TraceEvents.Status(runId, RunStatus.Completed, 2)]);

        await _trace.AppendAsync([TraceEvents.Status(runId, RunStatus.Running, 1)]);

        Assert.Equal(RunStatus.Completed, (await _runs.GetAsync(runId))!.Status);
    }

    [Fact]
    public async Task Runs_list_newest_first_optionally_of_one_workflow()
    {
        var workflow = "wf-" + Guid.NewGuid().ToString("N");
        var old = await CreateRunAsync(workflow, 1, TraceEvents.At(10));
        var other = await CreateRunAsync(workflow + "-other", 1, TraceEvents.At(20));
        var recent = await CreateRunAsync(workflow, 1, TraceEvents.At(30));

        var ofWorkflow = await _runs.ListAsync(workflow, 10);
        var all = await _runs.ListAsync(null, 1000);

        Assert.Equal([recent, old], ofWorkflow.Select(x => x.RunId));
        Assert.Equal([recent, other, old], all.Select(x => x.RunId).Where(id => id == recent || id == other || id == old));
        Assert.Single(await _runs.ListAsync(workflow, 1));
    }

    [Fact]
    public async Task Cancellation_is_recorded_for_existing_runs_only()
    {
        var runId = await CreateRunAsync("cancel-me", 2, TraceEvents.At(0));
        var other = await CreateRunAsync("keep-me", 2, TraceEvents.At(0));

        Assert.Empty(await _runs.CancellationRequestedAmongAsync([runId, other]));
        Assert.True(await _runs.RequestCancellationAsync(runId));
        Assert.Equal([runId], await _runs.CancellationRequestedAmongAsync([runId, other, "no-such-run"]));
        Assert.False(await _runs.RequestCancellationAsync("no-such-run"));
        Assert.Empty(await _runs.CancellationRequestedAmongAsync(["no-such-run"]));
    }

    [Fact]
    public async Task Creating_a_run_twice_keeps_the_first()
    {
        var runId = await CreateRunAsync("twice", 2, TraceEvents.At(0));

        await _runs.CreateAsync(new NewRun(runId, "twice", 1, 5, TraceEvents.At(7)));

        var summary = await _runs.GetAsync(runId);
        Assert.Equal((TraceEvents.At(0), 2), (summary!.CreatedAt, summary.Progress.NodesTotal));
    }

    private async Task<string> CreateRunAsync(string workflowId, int nodesTotal, DateTimeOffset createdAt)
    {
        var runId = TraceEvents.NewRunId();
        await _runs.CreateAsync(new NewRun(runId, workflowId, 1, nodesTotal, createdAt));
        return runId;
    }
}
