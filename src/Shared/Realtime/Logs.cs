using Microsoft.Extensions.Logging;

namespace ShipSec.Shared.Realtime;

/// <summary>Log messages of the realtime fan-out (event ids 1300–1399).</summary>
internal static partial class RealtimeLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Pushing {Count} committed trace events of run {RunId} to dashboards failed")]
    public static partial void PushFailed(ILogger logger, Exception exception, string runId, int count);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Trace event {EventId} of run {RunId} is {Bytes} bytes, over the realtime message limit; dashboards will re-fetch it from the trace")]
    public static partial void EventTooLarge(ILogger logger, string eventId, string runId, int bytes);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Azure SignalR Service rejected {Method} {Url} with {Status}")]
    public static partial void ServiceRejected(ILogger logger, string method, string url, int status);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Debug, Message = "Run {RunId} has no summary; runUpdated not sent")]
    public static partial void RunSummaryMissing(ILogger logger, string runId);
}
