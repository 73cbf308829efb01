using ShipSec.Shared.Postgres;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Tests.Postgres;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.Trace;

/// <summary>
/// <c>/status</c> (the run summary the store keeps at append time) and <c>/state</c> (the fold of the stored trace)
/// of the same run agree on status, failure and every counter, in every way a run can end. Each scenario is
/// appended to the real PostgreSQL in several batches, as transports deliver it; the expected progress is
/// written from the scenario, not computed by either side.
/// </summary>
public sealed class StatusStateAgreementTests(PostgresSchemaFixture database) : IClassFixture<PostgresSchemaFixture>
{
    private static readonly string[] Nodes = ["left", "right", "join"];

    private readonly PostgresTraceStore _trace = new(database.DataSource);
    private readonly PostgresRunStore _runs = new(database.DataSource);

    public static TheoryData<string> Scenarios => ["completed", "failed", "cancelled mid-node", "retried", "crash redelivery"];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Status_and_state_agree(string scenario)
    {
        var runId = TraceEvents.NewRunId();
        await _runs.CreateAsync(new NewRun(runId, "agreement", 1, Nodes.Length, TraceEvents.At(0)));
        var (batches, expectedStatus, expectedProgress) = Scenario(scenario, runId);
        foreach (var batch in batches)
        {
            await _trace.AppendAsync(batch);
        }

        var summary = (await _runs.GetAsync(runId))!;
        var state = await StateAsync(runId);

        Assert.Equal(expectedStatus, summary.Status);
        Assert.Equal(expectedProgress, summary.Progress);
        Assert.Equal(summary.Status, state.Status);
        Assert.Equal(summary.Progress, state.Progress);
        Assert.Equal(summary.Failure, state.Failure);
    }

    private async Task<RunState> StateAsync(string runId)
    {
        var folder = new RunStateFolder(runId, "agreement", Nodes);
        var page = await _trace.ReadAsync(runId, 0, 10_000);
        foreach (var traceEvent in page.Events)
        {
            folder.Apply(traceEvent);
        }

        return folder.State();
    }

    private static (TraceEvent[][] Batches, RunStatus Status, RunProgress Progress) Scenario(string scenario, string runId) => scenario switch
    {
        "completed" => (
            [
                [TraceEvents.Status(runId, RunStatus.Running, 1), TraceEvents.Started(runId, "left", 1, 2), TraceEvents.Started(runId, "right", 1, 2)],
                [TraceEvents.Log(runId, "left", 1), TraceEvents.Completed(runId, "left", 1, 3)],
                [TraceEvents.Completed(runId, "right", 1, 4), TraceEvents.Started(runId, "join", 1, 5)],
                [TraceEvents.Completed(runId, "join", 1, 6), TraceEvents.Status(runId, RunStatus.Completed, 7)],
            ],
            RunStatus.Completed, new RunProgress(3, 3, 0, 0)),
        "failed" => (
            [
                [TraceEvents.Status(runId, RunStatus.Running, 1), TraceEvents.Started(runId, "left", 1, 2), TraceEvents.Started(runId, "right", 1, 2)],
                [TraceEvents.Completed(runId, "left", 1, 3), TraceEvents.Failed(runId, "right", 1, 4, willRetry: false, "connection refused")],
                [TraceEvents.Skipped(runId, "join", 5), TraceEvents.Status(runId, RunStatus.Failed, 6, nodeId: "right", reason: "right failed")],
            ],
            RunStatus.Failed, new RunProgress(3, 1, 1, 0)),
        // Two parallel nodes running when the run is cancelled: both end cancelled (not failed), the node after them is skipped.
        "cancelled mid-node" => (
            [
                [TraceEvents.Status(runId, RunStatus.Running, 1), TraceEvents.Started(runId, "left", 1, 2), TraceEvents.Started(runId, "right", 1, 2)],
                [Cancelled(TraceEvents.Failed(runId, "left", 1, 3, willRetry: false)), Cancelled(TraceEvents.Failed(runId, "right", 1, 3, willRetry: false))],
                [Cancelled(TraceEvents.Skipped(runId, "join", 4)), TraceEvents.Status(runId, RunStatus.Cancelled, 5)],
            ],
            RunStatus.Cancelled, new RunProgress(3, 0, 0, 0)),
        "retried" => (
            [
                [TraceEvents.Status(runId, RunStatus.Running, 1), TraceEvents.Started(runId, "left", 1, 2), TraceEvents.Started(runId, "right", 1, 2)],
                [TraceEvents.Failed(runId, "left", 1, 3, willRetry: true), TraceEvents.Completed(runId, "right", 1, 3)],
                [TraceEvents.Started(runId, "left", 2, 4)],
            ],
            RunStatus.Running, new RunProgress(3, 1, 0, 1)),
        // The worker died mid-attempt: the activity was delivered again and started the same attempt a second time.
        "crash redelivery" => (
            [
                [TraceEvents.Status(runId, RunStatus.Running, 1), TraceEvents.Started(runId, "left", 1, 2), TraceEvents.Started(runId, "right", 1, 2)],
                [TraceEvents.Completed(runId, "right", 1, 3), Redelivered(TraceEvents.Started(runId, "left", 1, 4))],
                [TraceEvents.Started(runId, "left", 1, 2), TraceEvents.Completed(runId, "left", 1, 5)],
            ],
            RunStatus.Running, new RunProgress(3, 2, 0, 0)),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "Unknown scenario."),
    };

    private static TraceEvent Cancelled(TraceEvent traceEvent)
        => traceEvent with { Error = new TraceError("The run was cancelled.", TraceFold.CancelledKind) };

    private static TraceEvent Redelivered(TraceEvent started)
        => started with { Id = TraceEventIds.NodeLifecycle(started.RunId, started.NodeId!, started.Attempt, TraceEventType.NodeStarted, execution: "second") };
}
