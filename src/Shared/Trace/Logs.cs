using Microsoft.Extensions.Logging;

namespace ShipSec.Shared.Trace;

/// <summary>Log messages of the trace pipeline (event ids 1000–1099).</summary>
internal static partial class TraceLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Trace observer {Observer} failed on {Count} committed events")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string observer, int count);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Collecting {Count} trace events from {Batches} publishers failed")]
    public static partial void CollectFailed(ILogger logger, Exception exception, int count, int batches);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "In-process trace consumer stopped with {Batches} batches not collected")]
    public static partial void BatchesAbandoned(ILogger logger, int batches);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Trace store unavailable; holding {Count} trace events and trying again (try {Tries})")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, int count, int tries);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Trace store reachable again; stored {Count} held trace events after {Tries} tries")]
    public static partial void StoreBack(ILogger logger, int count, int tries);
}
