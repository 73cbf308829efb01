using Microsoft.Extensions.Logging.Abstractions;
using ShipSec.Functions.Runs;
using ShipSec.Shared.Runs;

namespace ShipSec.Functions.Tests;

/// <summary>How often reading a quiet run's status asks orchestration storage about it.</summary>
public sealed class RunReconcilerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_quiet_run_whose_status_is_read_over_and_over_is_checked_once_per_interval()
    {
        var clock = new ManualClock(Start);
        // Only the clock is used to decide; the store and the transport are for the check itself.
        var reconciler = new RunReconciler(null!, null!, clock, NullLogger<RunReconciler>.Instance);
        var quiet = Run(RunStatus.Running, updatedAt: Start - RunReconciler.StaleAfter);

        Assert.True(reconciler.IsDueForCheck(quiet));
        Assert.False(reconciler.IsDueForCheck(quiet));
        clock.Now += RunReconciler.CheckEvery - TimeSpan.FromMilliseconds(1);
        Assert.False(reconciler.IsDueForCheck(quiet));
        clock.Now += TimeSpan.FromMilliseconds(1);
        Assert.True(reconciler.IsDueForCheck(quiet));
        // Another quiet run has its own interval.
        Assert.True(reconciler.IsDueForCheck(quiet with { RunId = "other" }));
    }

    [Fact]
    public void A_run_that_changed_recently_or_ended_is_not_checked()
    {
        var reconciler = new RunReconciler(null!, null!, new ManualClock(Start), NullLogger<RunReconciler>.Instance);

        Assert.False(reconciler.IsDueForCheck(Run(RunStatus.Running, updatedAt: Start - RunReconciler.StaleAfter + TimeSpan.FromSeconds(1))));
        Assert.False(reconciler.IsDueForCheck(Run(RunStatus.Completed, updatedAt: Start - TimeSpan.FromHours(1))));
        Assert.True(reconciler.IsDueForCheck(Run(RunStatus.Queued, updatedAt: Start - TimeSpan.FromHours(1))));
    }

    private static RunSummary Run(RunStatus status, DateTimeOffset updatedAt) => new()
    {
        RunId = "run-1",
        WorkflowId = "wf",
        Status = status,
        CreatedAt = updatedAt,
        UpdatedAt = updatedAt,
        Progress = new RunProgress(0, 0, 0, 0),
    };

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
