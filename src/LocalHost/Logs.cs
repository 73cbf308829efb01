namespace ShipSec.LocalHost;

/// <summary>Log messages of the local host (event ids 4000–4099; the ranges of every assembly are listed in README, Architecture).</summary>
internal static partial class LocalHostLog
{
    [LoggerMessage(4000, LogLevel.Information, "Durable Task worker started on {Backend}")]
    public static partial void DurableWorkerStarted(ILogger logger, string backend);

    [LoggerMessage(4001, LogLevel.Information, "Durable Task worker stopped")]
    public static partial void DurableWorkerStopped(ILogger logger);

    [LoggerMessage(4002, LogLevel.Warning, "No key is configured (Access:ApiKey, Access:Keys): the local host API is open to anyone who can reach it")]
    public static partial void ApiOpen(ILogger logger);

    [LoggerMessage(4003, LogLevel.Warning, "Durable Task worker did not stop within the shutdown timeout; stopping it forced")]
    public static partial void DurableWorkerForcedStop(ILogger logger);

    [LoggerMessage(4004, LogLevel.Information, "Reconciled {Count} runs whose orchestration had ended")]
    public static partial void RunsReconciled(ILogger logger, int count);

    [LoggerMessage(4005, LogLevel.Warning, "Reconciling unfinished runs failed; trying again later")]
    public static partial void RunReconciliationFailed(ILogger logger, Exception exception);

    [LoggerMessage(4006, LogLevel.Information, "Started the runs of {Count} schedule fires")]
    public static partial void SchedulesFired(ILogger logger, int count);

    [LoggerMessage(4007, LogLevel.Warning, "A scheduler pass failed; trying again at the next one")]
    public static partial void SchedulePassFailed(ILogger logger, Exception exception);
}
