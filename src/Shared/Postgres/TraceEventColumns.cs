using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// How a <see cref="TraceEvent"/> maps onto the <c>trace_events</c> columns: the wire names of type and
/// level (the same strings the JSON API uses, so SQL can match them), and everything that is not a
/// column in the <c>payload</c> jsonb.
/// </summary>
internal static class TraceEventColumns
{
    public const string NodeStarted = "NODE_STARTED";
    public const string NodeLog = "NODE_LOG";
    public const string NodeProgress = "NODE_PROGRESS";
    public const string NodeArtifact = "NODE_ARTIFACT";
    public const string NodeCompleted = "NODE_COMPLETED";
    public const string NodeFailed = "NODE_FAILED";
    public const string NodeSkipped = "NODE_SKIPPED";
    public const string WorkflowStatus = "WORKFLOW_STATUS";
    public const string NodeFinding = "NODE_FINDING";

    /// <summary>Binary COPY of whole rows into <c>trace_events</c>, in the column order <see cref="WriteRowAsync"/> writes.</summary>
    public const string Copy = """
        COPY trace_events (run_id, sequence, id, node_id, attempt, type, level, ts, message, payload) FROM STDIN (FORMAT BINARY)
        """;

    public static string TypeName(TraceEventType type) => type switch
    {
        TraceEventType.NodeStarted => NodeStarted,
        TraceEventType.NodeLog => NodeLog,
        TraceEventType.NodeProgress => NodeProgress,
        TraceEventType.NodeArtifact => NodeArtifact,
        TraceEventType.NodeCompleted => NodeCompleted,
        TraceEventType.NodeFailed => NodeFailed,
        TraceEventType.NodeSkipped => NodeSkipped,
        TraceEventType.WorkflowStatus => WorkflowStatus,
        TraceEventType.NodeFinding => NodeFinding,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown trace event type."),
    };

    public static TraceEventType ParseType(string name) => name switch
    {
        NodeStarted => TraceEventType.NodeStarted,
        NodeLog => TraceEventType.NodeLog,
        NodeProgress => TraceEventType.NodeProgress,
        NodeArtifact => TraceEventType.NodeArtifact,
        NodeCompleted => TraceEventType.NodeCompleted,
        NodeFailed => TraceEventType.NodeFailed,
        NodeSkipped => TraceEventType.NodeSkipped,
        WorkflowStatus => TraceEventType.WorkflowStatus,
        NodeFinding => TraceEventType.NodeFinding,
        _ => throw new InvalidDataException($"Unknown trace event type '{name}' in the trace store."),
    };

    public static string LevelName(TraceEventLevel level) => level switch
    {
        TraceEventLevel.Debug => "debug",
        TraceEventLevel.Info => "info",
        TraceEventLevel.Warn => "warn",
        TraceEventLevel.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown trace event level."),
    };

    public static TraceEventLevel ParseLevel(string name) => name switch
    {
        "debug" => TraceEventLevel.Debug,
        "info" => TraceEventLevel.Info,
        "warn" => TraceEventLevel.Warn,
        "error" => TraceEventLevel.Error,
        _ => throw new InvalidDataException($"Unknown trace event level '{name}' in the trace store."),
    };

    public static string StatusName(RunStatus status) => status switch
    {
        RunStatus.Queued => "queued",
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };

    public static RunStatus ParseStatus(string name) => name switch
    {
        "queued" => RunStatus.Queued,
        "running" => RunStatus.Running,
        "completed" => RunStatus.Completed,
        "failed" => RunStatus.Failed,
        "cancelled" => RunStatus.Cancelled,
        _ => throw new InvalidDataException($"Unknown run status '{name}' in the run store."),
    };

    /// <summary>
    /// The event as it will be stored (text without U+0000, which PostgreSQL rejects in text and jsonb)
    /// and its payload column, null when it carries nothing beyond the other columns.
    /// </summary>
    public static (TraceEvent Event, string? Payload) ForStorage(TraceEvent traceEvent)
    {
        var id = PostgresText.Strip(traceEvent.Id)!;
        var runId = PostgresText.Strip(traceEvent.RunId)!;
        var nodeId = PostgresText.Strip(traceEvent.NodeId);
        var message = PostgresText.Strip(traceEvent.Message);
        // Strip returns the very string when it holds no U+0000, the usual case: then no copy of the event is needed.
        var sanitized = ReferenceEquals(id, traceEvent.Id) && ReferenceEquals(runId, traceEvent.RunId)
            && ReferenceEquals(nodeId, traceEvent.NodeId) && ReferenceEquals(message, traceEvent.Message)
            ? traceEvent
            : traceEvent with { Id = id, RunId = runId, NodeId = nodeId, Message = message };
        if (traceEvent.Error is null && traceEvent.Progress is null && traceEvent.Artifact is null
            && traceEvent.OutputSummary is null && traceEvent.Status is null && traceEvent.Finding is null)
        {
            return (sanitized, null);
        }

        var payload = new TracePayload(traceEvent.Error, traceEvent.Progress, traceEvent.Artifact, traceEvent.OutputSummary, traceEvent.Status, traceEvent.Finding);
        var json = JsonSerializer.Serialize(payload, ShipSecJson.Options);
        var stripped = PostgresText.StripJson(json);
        return ReferenceEquals(json, stripped) ? (sanitized, json) : (WithPayload(sanitized, stripped), stripped);
    }

    /// <summary>The event with the members the payload column carries.</summary>
    public static TraceEvent WithPayload(TraceEvent traceEvent, string? payloadJson)
    {
        if (payloadJson is null)
        {
            return traceEvent;
        }

        var payload = JsonSerializer.Deserialize<TracePayload>(payloadJson, ShipSecJson.Options)
            ?? throw new InvalidDataException($"Trace event {traceEvent.Id} has a null payload.");
        return traceEvent with
        {
            Error = payload.Error,
            Progress = payload.Progress,
            Artifact = payload.Artifact,
            OutputSummary = payload.OutputSummary,
            Status = payload.Status,
            Finding = payload.Finding,
        };
    }

    /// <summary>Writes the event (as stored, with its sequence) and its payload column as one row of <see cref="Copy"/>.</summary>
    public static async Task WriteRowAsync(NpgsqlBinaryImporter importer, TraceEvent e, string? payload, CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken);
        await importer.WriteAsync(e.RunId, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(e.Sequence, NpgsqlDbType.Bigint, cancellationToken);
        await importer.WriteAsync(e.Id, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(importer, e.NodeId, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(e.Attempt, NpgsqlDbType.Integer, cancellationToken);
        await importer.WriteAsync(TypeName(e.Type), NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(LevelName(e.Level), NpgsqlDbType.Text, cancellationToken);
        // timestamptz only takes UTC offsets.
        await importer.WriteAsync(e.Timestamp.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
        await WriteNullableAsync(importer, e.Message, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(importer, payload, NpgsqlDbType.Jsonb, cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken)
        => value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);

    private sealed record TracePayload(
        TraceError? Error, TraceProgress? Progress, ArtifactReference? Artifact, JsonElement? OutputSummary, RunStatus? Status, Finding? Finding);
}
