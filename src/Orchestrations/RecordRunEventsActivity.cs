using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>
/// Publishes the run-level events the orchestrator decided on (status changes, skipped nodes, attempts it
/// stopped waiting for). Their ids derive from their content, so a replay publishes nothing new.
/// </summary>
public sealed class RecordRunEventsActivity(ITracePublisher publisher, IOptions<TraceLimitsOptions> limits) : TaskActivity<RunEventsInput, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, RunEventsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var max = limits.Value.MaxMessageLength;
        using var span = RunTelemetry.StartRecord(input);
        var events = input.Events
            .Select(spec => RunTelemetry.Stamp(ToTraceEvent(input.RunId, spec with { Message = spec.Message is { } m ? TraceText.Sanitize(m, max) : null }), span))
            .ToList();
        await publisher.PublishAsync(events);
        return true;
    }

    /// <summary>The trace event a run-level decision becomes; its id is derived from run, node, attempt and kind.</summary>
    public static TraceEvent ToTraceEvent(string runId, RunEventSpec spec) => spec.Type switch
    {
        TraceEventType.WorkflowStatus => new TraceEvent
        {
            Id = TraceEventIds.WorkflowStatus(runId, spec.Status ?? throw new ArgumentException("A status event needs a status.", nameof(spec))),
            RunId = runId,
            NodeId = spec.NodeId,
            Type = TraceEventType.WorkflowStatus,
            Level = spec.Status switch
            {
                RunStatus.Failed => TraceEventLevel.Error,
                RunStatus.Cancelled => TraceEventLevel.Warn,
                _ => TraceEventLevel.Info,
            },
            Timestamp = spec.Timestamp,
            Status = spec.Status,
            Message = spec.Message ?? $"Run {WireName.Of(spec.Status.Value)}",
            Error = spec.ErrorKind is { } kind && spec.Status != RunStatus.Running ? new TraceError(spec.Message ?? kind, kind) : null,
        },
        TraceEventType.NodeSkipped or TraceEventType.NodeFailed => new TraceEvent
        {
            Id = TraceEventIds.NodeLifecycle(runId, spec.NodeId ?? throw new ArgumentException("A node event needs a node.", nameof(spec)), spec.Attempt, spec.Type),
            RunId = runId,
            NodeId = spec.NodeId,
            Attempt = spec.Attempt,
            Type = spec.Type,
            Level = spec.Type == TraceEventType.NodeFailed ? TraceEventLevel.Error : TraceEventLevel.Warn,
            Timestamp = spec.Timestamp,
            Message = spec.Message,
            Error = new TraceError(spec.Message ?? spec.Type.ToString(), spec.ErrorKind ?? "unknown"),
        },
        // A reused node (attempt 0: no attempt of this run produced it, the message names the parent run), an approval
        // decided or awaited (attempt 1).
        TraceEventType.NodeCompleted or TraceEventType.NodeAwaitingInput => new TraceEvent
        {
            Id = TraceEventIds.NodeLifecycle(runId, spec.NodeId ?? throw new ArgumentException("A node event needs a node.", nameof(spec)), spec.Attempt, spec.Type),
            RunId = runId,
            NodeId = spec.NodeId,
            Attempt = spec.Attempt,
            Type = spec.Type,
            Level = TraceEventLevel.Info,
            Timestamp = spec.Timestamp,
            Message = spec.Message,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Type, "The orchestrator records only status, skipped, failed and reused events."),
    };
}
