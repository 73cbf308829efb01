using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// How a <see cref="TraceEvent"/> maps onto the <c>trace_events</c> columns: type and level as their wire names
/// (<see cref="WireName"/>, the strings the JSON API uses), and everything that is not a column in the
/// <c>payload</c> jsonb.
/// </summary>
internal static class TraceEventColumns
{
    /// <summary>Binary COPY of whole rows into <c>trace_events</c>, in the column order <see cref="WriteRowAsync"/> writes.</summary>
    public const string Copy = """
        COPY trace_events (run_id, sequence, id, node_id, attempt, type, level, ts, message, payload, trace_id, span_id) FROM STDIN (FORMAT BINARY)
        """;

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
        var traceId = PostgresText.Strip(traceEvent.TraceId);
        var spanId = PostgresText.Strip(traceEvent.SpanId);
        // Strip returns the very string when it holds no U+0000, the usual case: then no copy of the event is needed.
        var sanitized = ReferenceEquals(id, traceEvent.Id) && ReferenceEquals(runId, traceEvent.RunId)
            && ReferenceEquals(nodeId, traceEvent.NodeId) && ReferenceEquals(message, traceEvent.Message)
            && ReferenceEquals(traceId, traceEvent.TraceId) && ReferenceEquals(spanId, traceEvent.SpanId)
            ? traceEvent
            : traceEvent with { Id = id, RunId = runId, NodeId = nodeId, Message = message, TraceId = traceId, SpanId = spanId };
        if (traceEvent.Error is null && traceEvent.Progress is null && traceEvent.Artifact is null
            && traceEvent.OutputSummary is null && traceEvent.Status is null && traceEvent.Finding is null
            && traceEvent.Inputs is null && traceEvent.Output is null)
        {
            return (sanitized, null);
        }

        var payload = new TracePayload(traceEvent.Error, traceEvent.Progress, traceEvent.Artifact, traceEvent.OutputSummary, traceEvent.Status, traceEvent.Finding, traceEvent.Inputs, traceEvent.Output);
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
            Inputs = payload.Inputs,
            Output = payload.Output,
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
        await importer.WriteAsync(WireName.Of(e.Type), NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(WireName.Of(e.Level), NpgsqlDbType.Text, cancellationToken);
        // timestamptz only takes UTC offsets.
        await importer.WriteAsync(e.Timestamp.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
        await WriteNullableAsync(importer, e.Message, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(importer, payload, NpgsqlDbType.Jsonb, cancellationToken);
        await WriteNullableAsync(importer, e.TraceId, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(importer, e.SpanId, NpgsqlDbType.Text, cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken)
        => value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);

    private sealed record TracePayload(
        TraceError? Error, TraceProgress? Progress, ArtifactReference? Artifact, JsonElement? OutputSummary, RunStatus? Status, Finding? Finding,
        JsonElement? Inputs, TraceOutput? Output);
}
