using System.Buffers;
using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.EventHubs;

/// <summary>
/// The wire format of trace events on Event Hubs: each Event Hubs event's body is a JSON array of trace
/// events of one run (ShipSec JSON), at most <see cref="MaxBodyBytes"/> unless a single event is larger.
/// Packing many small trace events into one Event Hubs event cuts the per-event AMQP overhead and the
/// hub's per-event quota (Event Hubs meters ingress in 64 KB units, which is why that is the target).
/// A single JSON object is also read, so a hand-made test event stays readable.
/// </summary>
internal static class TraceEventBodies
{
    /// <summary>The body size the packer fills up to: one Event Hubs billing unit.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The content type of every body.</summary>
    public const string ContentType = "application/json";

    /// <summary>
    /// Groups <paramref name="events"/> by run (runs in order of first appearance, events in their order)
    /// and packs each run's events into bodies of at most <paramref name="maxBodyBytes"/>.
    /// </summary>
    public static IReadOnlyList<RunBodies> Pack(IReadOnlyList<TraceEvent> events, int maxBodyBytes = MaxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(events);
        var runs = new Dictionary<string, Packer>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var traceEvent in events)
        {
            ArgumentNullException.ThrowIfNull(traceEvent, nameof(events));
            if (!runs.TryGetValue(traceEvent.RunId, out var packer))
            {
                packer = new Packer(maxBodyBytes);
                runs.Add(traceEvent.RunId, packer);
                order.Add(traceEvent.RunId);
            }

            packer.Add(JsonSerializer.SerializeToUtf8Bytes(traceEvent, ShipSecJson.Options));
        }

        return [.. order.Select(runId => new RunBodies(runId, runs[runId].Finish()))];
    }

    /// <summary>The trace events of one body.</summary>
    /// <exception cref="InvalidDataException">The body is not a trace event or an array of them.</exception>
    public static IReadOnlyList<TraceEvent> Read(BinaryData body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            var span = body.ToMemory().Span;
            var first = span.TrimStart(" \t\r\n"u8);
            if (first.Length > 0 && first[0] == (byte)'{')
            {
                return [JsonSerializer.Deserialize<TraceEvent>(span, ShipSecJson.Options) ?? throw new InvalidDataException("The body is null.")];
            }

            var events = JsonSerializer.Deserialize<TraceEvent[]>(span, ShipSecJson.Options)
                ?? throw new InvalidDataException("The body is null.");
            return Array.IndexOf(events, null) >= 0 ? throw new InvalidDataException("The body holds a null trace event.") : events;
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The body is not a trace event or an array of them: {exception.Message}", exception);
        }
    }

    /// <summary>Builds JSON array bodies from serialized events.</summary>
    private sealed class Packer(int maxBodyBytes)
    {
        private readonly List<BinaryData> _bodies = [];
        private readonly ArrayBufferWriter<byte> _current = new();

        public void Add(byte[] serialized)
        {
            // '[' or ',' before, ']' after.
            if (_current.WrittenCount > 0 && _current.WrittenCount + serialized.Length + 2 > maxBodyBytes)
            {
                Flush();
            }

            _current.Write(_current.WrittenCount == 0 ? "["u8 : ","u8);
            _current.Write(serialized);
        }

        public List<BinaryData> Finish()
        {
            if (_current.WrittenCount > 0)
            {
                Flush();
            }

            return _bodies;
        }

        private void Flush()
        {
            _current.Write("]"u8);
            _bodies.Add(new BinaryData(_current.WrittenMemory.ToArray()));
            _current.ResetWrittenCount();
        }
    }
}

/// <summary>The bodies carrying one run's events, in order.</summary>
internal sealed record RunBodies(string RunId, IReadOnlyList<BinaryData> Bodies);
