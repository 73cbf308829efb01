using System.Diagnostics;
using System.Diagnostics.Metrics;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using TraceEventType = ShipSec.Shared.Trace.TraceEventType;

namespace ShipSec.Orchestrations;

/// <summary>
/// Spans and metrics of runs and node attempts (ActivitySource and Meter <see cref="Name"/>). A run's W3C trace
/// context travels as a <c>traceparent</c> string inside the orchestration's and activities' inputs: the orchestrator
/// only copies it (it stays deterministic), and spans are started in the HTTP start and in activities, never in
/// orchestrator code. When nobody records a span (no exporter configured, or the sampler declined) an unrecorded
/// activity stands in for it, so trace events and a component process's <c>TRACEPARENT</c> still name the run's trace.
/// </summary>
public static class RunTelemetry
{
    /// <summary>The ActivitySource and Meter name.</summary>
    public const string Name = "ShipSec.Runs";

    /// <summary>The span of a run's start (the HTTP request's child); node attempts and the run span are its children.</summary>
    public const string RunStartSpan = "shipsec.run.start";

    /// <summary>The span of the whole run, from the orchestration's first step to its final status (emitted when it ends).</summary>
    public const string RunSpan = "shipsec.run";

    /// <summary>The span of recording run-level events other than the final status (running, a node given up on).</summary>
    public const string RunEventsSpan = "shipsec.run.record";

    /// <summary>The span of one attempt of one node.</summary>
    public const string NodeAttemptSpan = "shipsec.node.attempt";

    private static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>(
        "shipsec.run.duration", "s", "Run duration from the orchestration's first step to its final status, by status.");

    private static readonly Histogram<double> NodeDuration = Meter.CreateHistogram<double>(
        "shipsec.node.duration", "s", "Node attempt duration, by status and component.");

    /// <summary>
    /// Starts the span of a run's start. Its parent is the current activity (the HTTP request's, which honours an incoming
    /// <c>traceparent</c>), else <paramref name="incomingTraceParent"/>, else a new trace begins.
    /// </summary>
    public static Activity StartRun(string runId, string workflowId, string? incomingTraceParent)
    {
        var parent = Activity.Current is null ? Parse(incomingTraceParent) : default;
        return Start(RunStartSpan, ActivityKind.Internal, parent, [new("shipsec.run.id", runId), new("shipsec.workflow.id", workflowId)]);
    }

    /// <summary>Starts the span of one node attempt, a child of the run's start.</summary>
    public static Activity StartAttempt(RunNodeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Start(NodeAttemptSpan, ActivityKind.Internal, Parse(input.TraceParent),
        [
            new("shipsec.run.id", input.RunId),
            new("shipsec.node.id", input.Node.Id),
            new("shipsec.node.attempt", input.Attempt),
            new("shipsec.component", input.Node.Component),
        ]);
    }

    /// <summary>Ends an attempt's span and records its duration with its outcome.</summary>
    public static void EndAttempt(Activity span, RunNodeInput input, NodeAttemptResult result, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(span);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(result);
        var status = WireName.Of(result.Outcome switch
        {
            NodeAttemptOutcome.Succeeded => NodeStatus.Completed,
            NodeAttemptOutcome.Cancelled => NodeStatus.Cancelled,
            _ => NodeStatus.Failed,
        });
        span.SetTag("shipsec.node.status", status);
        if (result.Outcome == NodeAttemptOutcome.Failed)
        {
            span.SetTag("error.type", result.Error?.Kind);
            span.SetStatus(ActivityStatusCode.Error, result.Error?.Message);
        }

        NodeDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("status", status), new KeyValuePair<string, object?>("component", input.Node.Component));
    }

    /// <summary>
    /// Starts the span under which the run-level events of <paramref name="input"/> are recorded: the run span itself when
    /// they hold its final status (started back at the run's first step, and the run's duration is recorded by status),
    /// a short span of its own otherwise.
    /// </summary>
    public static Activity StartRecord(RunEventsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var parent = Parse(input.TraceParent);
        var final = input.Events.LastOrDefault(e => e is { Type: TraceEventType.WorkflowStatus, Status: not (null or RunStatus.Queued or RunStatus.Running) });
        if (final is null || input.RunStartedAt is not { } startedAt)
        {
            return Start(RunEventsSpan, ActivityKind.Internal, parent, [new("shipsec.run.id", input.RunId)]);
        }

        var status = WireName.Of(final.Status!.Value);
        RunDuration.Record(Math.Max(0, (final.Timestamp - startedAt).TotalSeconds), new KeyValuePair<string, object?>("status", status));
        var span = Start(RunSpan, ActivityKind.Internal, parent, [new("shipsec.run.id", input.RunId), new("shipsec.run.status", status)], startedAt);
        if (final.Status == RunStatus.Failed)
        {
            span.SetStatus(ActivityStatusCode.Error, final.Message);
        }

        return span;
    }

    /// <summary>The W3C <c>traceparent</c> of <paramref name="span"/>, to carry in an orchestration's or activity's input.</summary>
    public static string? TraceParentOf(Activity? span) => span is { IdFormat: ActivityIdFormat.W3C } ? span.Id : null;

    /// <summary>The event stamped with the ids of the span that emits it.</summary>
    public static TraceEvent Stamp(TraceEvent traceEvent, Activity span)
    {
        ArgumentNullException.ThrowIfNull(traceEvent);
        ArgumentNullException.ThrowIfNull(span);
        return traceEvent with { TraceId = span.TraceId.ToHexString(), SpanId = span.SpanId.ToHexString() };
    }

    /// <summary>The context of a W3C <c>traceparent</c>; default (none) when it is missing or malformed.</summary>
    public static ActivityContext Parse(string? traceParent)
        => traceParent is not null && ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var context) ? context : default;

    private static Activity Start(
        string name, ActivityKind kind, ActivityContext parent, KeyValuePair<string, object?>[] tags, DateTimeOffset startTime = default)
    {
        if (Source.StartActivity(name, kind, parent, tags, links: null, startTime) is { } recorded)
        {
            return recorded;
        }

        var unrecorded = new Activity(name);
        if (parent != default)
        {
            unrecorded.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        }

        if (startTime != default)
        {
            unrecorded.SetStartTime(startTime.UtcDateTime);
        }

        return unrecorded.Start();
    }
}
