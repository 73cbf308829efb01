namespace ShipSec.Shared.Trace;

/// <summary>Whether this host's trace consumer is reading, for the health endpoint.</summary>
public sealed class TraceConsumerStatus
{
    private readonly Lock gate = new();
    private TraceConsumerHealth current = new("starting", 0, null, null);

    /// <summary>The latest state.</summary>
    public TraceConsumerHealth Current
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    /// <summary>Records that the consumer is reading.</summary>
    public void Running()
    {
        lock (gate)
        {
            current = new TraceConsumerHealth("running", 0, null, null);
        }
    }

    /// <summary>Records a failed start that will be tried again at <paramref name="retryAt"/>.</summary>
    public void Failed(Exception error, DateTimeOffset retryAt)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (gate)
        {
            current = new TraceConsumerHealth("retrying", current.FailedStarts + 1, error.Message, retryAt);
        }
    }
}

/// <summary>The trace consumer's state.</summary>
/// <param name="State"><c>starting</c>, <c>running</c> or <c>retrying</c> (its start failed and is tried again).</param>
/// <param name="FailedStarts">Failed starts in a row.</param>
/// <param name="LastError">Why the last start failed.</param>
/// <param name="RetryAt">When the next start is tried.</param>
public sealed record TraceConsumerHealth(string State, int FailedStarts, string? LastError, DateTimeOffset? RetryAt)
{
    /// <summary>True unless starts are failing.</summary>
    public bool IsHealthy => State != "retrying";
}
