using Microsoft.Extensions.Logging;
using ShipSec.Shared.Runs;

namespace ShipSec.Orchestrations;

/// <summary>Structured logs of the orchestrations project (event ids 2000–2099).</summary>
internal static partial class OrchestrationLogs
{
    [LoggerMessage(2000, LogLevel.Information, "Run {RunId} of workflow {WorkflowId} started with {NodeCount} nodes")]
    public static partial void RunStarted(ILogger logger, string runId, string workflowId, int nodeCount);

    [LoggerMessage(2001, LogLevel.Warning, "Run {RunId}: node {NodeId} failed after its last attempt: {Reason}")]
    public static partial void NodeFailedFinally(ILogger logger, string runId, string nodeId, string reason);

    [LoggerMessage(2002, LogLevel.Information, "Run {RunId} ended {Status}")]
    public static partial void RunEnded(ILogger logger, string runId, RunStatus status);

    [LoggerMessage(2010, LogLevel.Information, "Run {RunId}: node {NodeId} attempt {Attempt} of {Component} started")]
    public static partial void AttemptStarted(ILogger logger, string runId, string nodeId, int attempt, string component);

    [LoggerMessage(2011, LogLevel.Information, "Run {RunId}: node {NodeId} attempt {Attempt} ended {Outcome} in {ElapsedMs} ms")]
    public static partial void AttemptEnded(ILogger logger, string runId, string nodeId, int attempt, NodeAttemptOutcome outcome, long elapsedMs);

    [LoggerMessage(2012, LogLevel.Warning, "Run {RunId}: publishing {Count} trace events failed (try {Try}); retrying")]
    public static partial void PublishRetry(ILogger logger, Exception exception, string runId, int count, int @try);

    [LoggerMessage(2013, LogLevel.Warning, "Checking {RunCount} runs for cancellation failed; trying again in a second")]
    public static partial void CancellationCheckFailed(ILogger logger, Exception exception, int runCount);

    [LoggerMessage(2015, LogLevel.Information, "Run {RunId}: node {NodeId} attempt {Attempt} not started: the run was cancelled")]
    public static partial void AttemptNotStarted(ILogger logger, string runId, string nodeId, int attempt);

    [LoggerMessage(2016, LogLevel.Warning, "Run {RunId}: could not check for cancellation before node {NodeId} started; starting it (a running node is still stopped by the watcher)")]
    public static partial void StartCheckFailed(ILogger logger, Exception exception, string runId, string nodeId);

    [LoggerMessage(2017, LogLevel.Warning, "Run {RunId}: node {NodeId} attempt {Attempt} broke inside its batch; the orchestrator records its end")]
    public static partial void BatchAttemptBroke(ILogger logger, Exception exception, string runId, string nodeId, int attempt);

    [LoggerMessage(2014, LogLevel.Warning, "Run {RunId}: node {NodeId} attempt {Attempt} dropped {Count} trace events: its trace buffer was full")]
    public static partial void TraceEventsLost(ILogger logger, string runId, string nodeId, int attempt, long count);

    [LoggerMessage(2020, LogLevel.Warning, "Run {RunId}: alert to {Host} failed (attempt {Attempt})")]
    public static partial void AlertAttemptFailed(ILogger logger, Exception exception, string runId, string host, int attempt);

    [LoggerMessage(2021, LogLevel.Warning, "Run {RunId}: its alerts could not be planned or delivered; the run is not affected")]
    public static partial void AlertsAbandoned(ILogger logger, Exception exception, string runId);
}
