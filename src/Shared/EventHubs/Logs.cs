using Microsoft.Extensions.Logging;

namespace ShipSec.Shared.EventHubs;

/// <summary>Log messages of the Event Hubs trace transport (event ids 1200–1299).</summary>
internal static partial class EventHubsLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "Storing a trace batch of Event Hubs partition {PartitionId} failed; the partition restarts from its last checkpoint")]
    public static partial void BatchFailed(ILogger logger, Exception exception, string partitionId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Event Hubs trace processor error on partition {PartitionId} during {Operation}")]
    public static partial void ProcessorError(ILogger logger, Exception exception, string partitionId, string operation);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Event Hubs trace consumer {Identifier} started on {EventHub} ({ConsumerGroup})")]
    public static partial void ConsumerStarted(ILogger logger, string identifier, string eventHub, string consumerGroup);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Error, Message = "Event Hubs trace consumer could not start; trying again in {RetrySeconds} s")]
    public static partial void ConsumerStartFailed(ILogger logger, Exception exception, double retrySeconds);
}
