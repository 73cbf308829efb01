namespace ShipSec.Bench;

/// <summary>
/// The highest working set and managed heap of this process (the bench and the host it runs in) while a measured phase
/// runs, sampled every 50 ms. A full collection before the phase lets the heap figure tell the phases apart; the
/// process's lifetime peak (<c>PeakWorkingSet64</c>) could not, because a later, smaller phase reports the earlier peak.
/// </summary>
internal sealed class PeakMemory : IAsyncDisposable
{
    private readonly CancellationTokenSource _sampling = new();
    private readonly Task _sampler;
    private long _workingSet;
    private long _heap;

    private PeakMemory()
    {
        Sample();
        _sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            try
            {
                while (await timer.WaitForNextTickAsync(_sampling.Token))
                {
                    Sample();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>Peak working set so far, in bytes.</summary>
    public long WorkingSet => Interlocked.Read(ref _workingSet);

    /// <summary>Peak managed heap so far, in bytes.</summary>
    public long Heap => Interlocked.Read(ref _heap);

    /// <summary>Collects garbage, then starts sampling.</summary>
    public static PeakMemory Start()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return new PeakMemory();
    }

    /// <summary>Stops sampling (after one last sample).</summary>
    public async ValueTask DisposeAsync()
    {
        Sample();
        await _sampling.CancelAsync();
        await _sampler;
        _sampling.Dispose();
    }

    private void Sample()
    {
        Max(ref _workingSet, Environment.WorkingSet);
        Max(ref _heap, GC.GetTotalMemory(forceFullCollection: false));
    }

    private static void Max(ref long peak, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, seen) != seen)
        {
        }
    }
}
