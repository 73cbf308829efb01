using Microsoft.Extensions.Logging;
using ShipSec.Shared.Runs;

namespace ShipSec.Orchestrations;

/// <summary>
/// Tells running node attempts that their run was cancelled. One loop per worker asks the run store once a
/// second about every run it has nodes of (one query, whatever the number of nodes), instead of a query per
/// running node per second; it runs only while some node is watched.
/// </summary>
public sealed class RunCancellationWatcher(IRunStore runs, TimeProvider clock, ILogger<RunCancellationWatcher> logger) : IDisposable
{
    /// <summary>How often the store is asked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Runs seen cancelled are remembered (a cancel is never taken back), up to this many.</summary>
    private const int MaxRemembered = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> seenCancelled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<CancellationTokenSource>> watched = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;

    /// <summary>Cancels <paramref name="cancellation"/> once cancellation of <paramref name="runId"/> is seen, until the result is disposed.</summary>
    public IDisposable Watch(string runId, CancellationTokenSource cancellation)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(cancellation);
        lock (gate)
        {
            if (!watched.TryGetValue(runId, out var sources))
            {
                watched[runId] = sources = [];
            }

            sources.Add(cancellation);
            loop ??= Task.Run(() => PollAsync(stopping.Token));
        }

        return new Registration(this, runId, cancellation);
    }

    /// <summary>
    /// Whether cancellation of <paramref name="runId"/> has been requested, asked of the store now (or remembered from
    /// an earlier answer that said yes): what a queued attempt checks before it starts, so that no node of a run starts
    /// once its cancel was accepted, however many attempts were already queued.
    /// </summary>
    public async Task<bool> IsCancelledAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (seenCancelled.ContainsKey(runId))
        {
            return true;
        }

        var cancelled = (await runs.CancellationRequestedAmongAsync([runId], cancellationToken)).Count > 0;
        if (cancelled)
        {
            if (seenCancelled.Count >= MaxRemembered)
            {
                seenCancelled.Clear();
            }

            seenCancelled[runId] = true;
        }

        return cancelled;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }

    private void Unwatch(string runId, CancellationTokenSource cancellation)
    {
        lock (gate)
        {
            if (watched.TryGetValue(runId, out var sources) && sources.Remove(cancellation) && sources.Count == 0)
            {
                watched.Remove(runId);
            }
        }
    }

    private async Task PollAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                string[] runIds;
                lock (gate)
                {
                    if (watched.Count == 0)
                    {
                        // Decided under the lock, so a Watch that comes after this starts a new loop.
                        loop = null;
                        return;
                    }

                    runIds = [.. watched.Keys];
                }

                await CheckAsync(runIds, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task CheckAsync(string[] runIds, CancellationToken stop)
    {
        IReadOnlyCollection<string> cancelled;
        try
        {
            cancelled = await runs.CancellationRequestedAmongAsync(runIds, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed check must not stop the loop: the next tick tries again.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            OrchestrationLogs.CancellationCheckFailed(logger, exception, runIds.Length);
            return;
        }

        foreach (var runId in cancelled)
        {
            List<CancellationTokenSource> sources;
            lock (gate)
            {
                if (!watched.TryGetValue(runId, out var found))
                {
                    continue;
                }

                sources = [.. found];
            }

            foreach (var source in sources)
            {
                try
                {
                    await source.CancelAsync();
                }
                catch (ObjectDisposedException)
                {
                    // The attempt ended between the check and the cancel.
                }
            }
        }
    }

    private sealed class Registration(RunCancellationWatcher watcher, string runId, CancellationTokenSource cancellation) : IDisposable
    {
        public void Dispose() => watcher.Unwatch(runId, cancellation);
    }
}
