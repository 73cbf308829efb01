using ShipSec.Shared.Sdk;

namespace ShipSec.Components;

/// <summary>
/// Reports progress of many concurrent work items about every 2% and once at the end, never going
/// backwards: a dashboard's bar must not jump back when two workers finish out of order.
/// </summary>
internal sealed class ThrottledProgress(IComponentContext context, long total)
{
    private readonly long step = Math.Max(1, total / 50);
    private readonly Lock gate = new();
    private long done;
    private long reported = -1;

    public long Done => Interlocked.Read(ref done);

    public void Advance()
    {
        var now = Interlocked.Increment(ref done);
        if (now < total && now % step == 0)
        {
            Report(now, null);
        }
    }

    public void Complete(string? message) => Report(total, message);

    private void Report(long current, string? message)
    {
        lock (gate)
        {
            if (current <= reported && current != total)
            {
                return;
            }

            reported = current;
            context.Progress(current, total, message);
        }
    }
}
