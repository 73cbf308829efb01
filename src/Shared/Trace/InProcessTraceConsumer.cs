using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ShipSec.Shared.Trace;

/// <summary>
/// Drains the <see cref="InProcessTracePublisher"/>'s queue into the <see cref="TraceCollector"/>,
/// coalescing small pending batches into one append for throughput. Runs are spread over a few lanes by
/// their id, each lane appending on its own connection: a run always goes to the same lane, so its batches
/// commit in the order they were published, while different runs commit concurrently (as Event Hubs
/// partitions keyed by run would). While the store is unavailable (<see cref="TraceStoreUnavailableException"/>)
/// a lane keeps its batch and tries again with a growing pause (at most <see cref="MaxOutageRetryDelay"/>),
/// so an outage delays its publishers and never reorders or fails their batches. On stop it refuses new
/// batches and collects what is already queued; only the host's shutdown timeout cuts that short.
/// </summary>
/// <remarks>
/// A plain hosted service rather than a <see cref="BackgroundService"/>: that one starts its loop with the
/// stopping token, so a host stopped right after starting may never run the loop, and batches already
/// queued (their publishers waiting) would be neither collected nor failed.
/// </remarks>
public sealed class InProcessTraceConsumer(
    InProcessTracePublisher publisher, TraceCollector collector, ILogger<InProcessTraceConsumer> logger) : IHostedService, IDisposable
{
    /// <summary>
    /// Most events collected in one append when coalescing batches (a single larger batch still goes alone).
    /// Each append has a fixed cost (three round trips and a commit): measured with bench/, one busy run's
    /// appends of ~1,000 events took 40% of a raw COPY's rate, of ~4,000 events two thirds.
    /// </summary>
    internal const int MaxEventsPerCollect = 8192;

    /// <summary>Concurrent appends, one per lane (measured with bench/: 4 lanes on 2 cores take ~1.6x one).</summary>
    internal const int Lanes = 4;

    /// <summary>The longest pause between two tries while the store is unavailable: how late delivery resumes after it is back.</summary>
    internal static readonly TimeSpan MaxOutageRetryDelay = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FirstOutageRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _gate = new();
    private Task? _loop;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureRunning();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        publisher.Complete();
        var loop = EnsureRunning();
        await using var registration = cancellationToken.Register(_abort.Cancel);
        // Once aborted the loop fails what is left and ends promptly; the host need not wait for that.
        await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _abort.Cancel();
        _abort.Dispose();
    }

    private Task EnsureRunning()
    {
        lock (_gate)
        {
            return _loop ??= Task.Run(RunAsync, CancellationToken.None);
        }
    }

    private async Task RunAsync()
    {
        var reader = publisher.Pending;
        var abort = _abort.Token;
        var lanes = Enumerable.Range(0, Lanes)
            .Select(_ => Channel.CreateUnbounded<PendingTraceBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true }))
            .ToArray();
        var workers = lanes.Select(lane => Task.Run(() => DrainLaneAsync(lane.Reader, abort), CancellationToken.None)).ToArray();
        try
        {
            while (await reader.WaitToReadAsync(abort))
            {
                while (reader.TryRead(out var pending))
                {
                    foreach (var part in pending.SplitByRun())
                    {
                        lanes[LaneOf(part.Events[0].RunId)].Writer.TryWrite(part);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var lane in lanes)
            {
                lane.Writer.TryComplete();
            }

            await Task.WhenAll(workers);
            var abandoned = 0;
            while (reader.TryRead(out var pending))
            {
                pending.MarkFailed(new OperationCanceledException("The in-process trace consumer stopped before collecting this batch."));
                abandoned++;
            }

            if (abandoned > 0)
            {
                TraceLog.BatchesAbandoned(logger, abandoned);
            }
        }
    }

    private static int LaneOf(string runId) => (int)((uint)StringComparer.Ordinal.GetHashCode(runId) % Lanes);

    private async Task DrainLaneAsync(ChannelReader<PendingTraceBatch> lane, CancellationToken abort)
    {
        var group = new List<PendingTraceBatch>();
        try
        {
            while (await lane.WaitToReadAsync(abort))
            {
                while (TryTakeGroup(lane, group))
                {
                    await CollectAsync(group, abort);
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }
        finally
        {
            while (lane.TryRead(out var pending))
            {
                pending.MarkFailed(new OperationCanceledException("The in-process trace consumer stopped before collecting this batch."));
            }
        }
    }

    private static bool TryTakeGroup(ChannelReader<PendingTraceBatch> reader, List<PendingTraceBatch> group)
    {
        group.Clear();
        if (!reader.TryRead(out var first))
        {
            return false;
        }

        group.Add(first);
        var count = first.Events.Count;
        while (reader.TryPeek(out var next) && count + next.Events.Count <= MaxEventsPerCollect && reader.TryRead(out next))
        {
            group.Add(next);
            count += next.Events.Count;
        }

        return true;
    }

    private async Task CollectAsync(List<PendingTraceBatch> group, CancellationToken cancellationToken)
    {
        if (group.Count == 1)
        {
            await CollectOneAsync(group[0], cancellationToken);
            return;
        }

        var events = new List<TraceEvent>();
        foreach (var pending in group)
        {
            events.AddRange(pending.Events);
        }

        try
        {
            await CollectThroughOutagesAsync(events, cancellationToken);
        }
#pragma warning disable CA1031 // Any failure is handed to the waiting publishers, never allowed to end the consumer.
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // The append rolled back as a whole; one publisher's bad batch must not fail the others, so
            // each is tried on its own and only the failing ones fault.
            foreach (var pending in group)
            {
                await CollectOneAsync(pending, cancellationToken);
            }

            return;
        }

        foreach (var pending in group)
        {
            pending.MarkCommitted();
        }
    }

    private async Task CollectOneAsync(PendingTraceBatch pending, CancellationToken cancellationToken)
    {
        try
        {
            await CollectThroughOutagesAsync(pending.Events, cancellationToken);
            pending.MarkCommitted();
        }
#pragma warning disable CA1031 // Any failure is handed to the waiting publisher, never allowed to end the consumer.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            TraceLog.CollectFailed(logger, exception, pending.Events.Count, 1);
            pending.MarkFailed(exception);
        }
    }

    private async Task CollectThroughOutagesAsync(IReadOnlyList<TraceEvent> events, CancellationToken cancellationToken)
    {
        var delay = FirstOutageRetryDelay;
        var tries = 0;
        while (true)
        {
            try
            {
                await collector.CollectAsync(events, cancellationToken);
                if (tries > 0)
                {
                    TraceLog.StoreBack(logger, events.Count, tries);
                }

                return;
            }
            catch (TraceStoreUnavailableException exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Nothing was stored: the same append is tried again once the pause is over. Later batches of
                // this lane wait behind it, so the order publishers handed them over in is kept.
                if (tries++ % 10 == 0)
                {
                    TraceLog.StoreUnavailable(logger, exception, events.Count, tries);
                }

                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxOutageRetryDelay.Ticks));
            }
        }
    }
}
