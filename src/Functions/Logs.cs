using Microsoft.Extensions.Logging;

namespace ShipSec.Functions;

/// <summary>Log messages of the Functions app's services (event ids 3000–3099; the ranges of every assembly are listed in README, Architecture).</summary>
internal static partial class FunctionsLog
{
    [LoggerMessage(3000, LogLevel.Information, "Run {RunId} of workflow {WorkflowId} v{WorkflowVersion} scheduled")]
    public static partial void RunScheduled(ILogger logger, string runId, string workflowId, int workflowVersion);

    [LoggerMessage(3001, LogLevel.Information, "Run {RunId}: cancellation requested")]
    public static partial void RunCancelRequested(ILogger logger, string runId);

    [LoggerMessage(3010, LogLevel.Error, "HTTP function {Function} failed")]
    public static partial void HttpFunctionFailed(ILogger logger, Exception exception, string function);
    [LoggerMessage(3002, LogLevel.Warning, "Run {RunId} was {Status} but its orchestration is {OrchestrationStatus}: ended it {Outcome}")]
    public static partial void RunReconciled(ILogger logger, string runId, ShipSec.Shared.Runs.RunStatus status, string orchestrationStatus, ShipSec.Shared.Runs.RunStatus outcome);

    [LoggerMessage(3003, LogLevel.Warning, "Request refused with 503: {Dependency} is unavailable")]
    public static partial void RequestRefusedForOutage(ILogger logger, Exception exception, string dependency);

    [LoggerMessage(3020, LogLevel.Information, "Schedule {ScheduleId} fired for {FireAt:o}: run {RunId} of workflow {WorkflowId}")]
    public static partial void ScheduleFired(ILogger logger, string scheduleId, DateTimeOffset fireAt, string runId, string workflowId);

    [LoggerMessage(3021, LogLevel.Warning, "Schedule {ScheduleId} fired for {FireAt:o} but started nothing: {Reason}")]
    public static partial void ScheduleFireRefused(ILogger logger, string scheduleId, DateTimeOffset fireAt, string reason);

    [LoggerMessage(3022, LogLevel.Information, "Schedule {ScheduleId} of workflow {WorkflowId} created: '{Cron}' in {TimeZone}")]
    public static partial void ScheduleCreated(ILogger logger, string scheduleId, string workflowId, string cron, string timeZone);

    [LoggerMessage(3023, LogLevel.Information, "Schedule {ScheduleId} of workflow {WorkflowId} deleted")]
    public static partial void ScheduleDeleted(ILogger logger, string scheduleId, string workflowId);
}
