namespace ShipSec.Shared.Trace;

/// <summary>
/// The trace store could not be reached (a connection refused or cut, the server shutting down or starting
/// up): nothing of the append was stored, and the same append may simply be tried again later. Stores throw
/// it for outages only, so a transport can wait out an outage without also retrying a batch that can never
/// be stored.
/// </summary>
public sealed class TraceStoreUnavailableException : Exception
{
    /// <summary>An outage of the store, described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public TraceStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An outage of the store.</summary>
    public TraceStoreUnavailableException()
    {
    }

    /// <summary>An outage of the store, described by <paramref name="message"/>.</summary>
    public TraceStoreUnavailableException(string message)
        : base(message)
    {
    }
}
