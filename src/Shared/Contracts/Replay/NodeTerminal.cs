using System.Globalization;
using System.Text;
using System.Text.Json;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Replay;

/// <summary>
/// What a node's processes printed, as a terminal shows it: the NODE_LOG events of one attempt that carry a
/// <see cref="TraceOutput"/>, in sequence order. Exported as plain text (escape sequences stripped) or as an
/// asciicast v2 recording (raw, with the original timing) that asciinema tools play.
/// </summary>
public sealed class NodeTerminal
{
    /// <summary>The media type of an asciicast recording.</summary>
    public const string CastContentType = "application/x-asciicast";

    private const int MinWidth = 80;
    private const int MaxWidth = 400;
    private const int MinHeight = 24;
    private const int MaxHeight = 60;

    private readonly List<TraceEvent> lines = [];
    private DateTimeOffset? startedAt;

    /// <summary>A terminal of <paramref name="nodeId"/>'s attempt <paramref name="attempt"/> of run <paramref name="runId"/>.</summary>
    public NodeTerminal(string runId, string nodeId, int attempt)
    {
        RunId = runId ?? throw new ArgumentNullException(nameof(runId));
        NodeId = nodeId ?? throw new ArgumentNullException(nameof(nodeId));
        Attempt = attempt;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>The node.</summary>
    public string NodeId { get; }

    /// <summary>The attempt shown.</summary>
    public int Attempt { get; }

    /// <summary>How many lines of output it holds.</summary>
    public int LineCount => lines.Count;

    /// <summary>Takes the next event of the run (in sequence order); keeps what belongs to this terminal.</summary>
    public void Apply(TraceEvent traceEvent)
    {
        ArgumentNullException.ThrowIfNull(traceEvent);
        if (traceEvent.NodeId != NodeId || traceEvent.Attempt != Attempt)
        {
            return;
        }

        if (traceEvent.Type == TraceEventType.NodeStarted)
        {
            startedAt ??= traceEvent.Timestamp;
        }
        else if (traceEvent is { Type: TraceEventType.NodeLog, Output: not null })
        {
            lines.Add(traceEvent);
        }
    }

    /// <summary>The output as text: each line as the console shows it (no escape sequences), ended by a newline.</summary>
    public string Text()
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line.Message).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The output as an asciicast v2 recording: a header line, then one <c>[seconds, "o", data]</c> line per line of
    /// output, its time from the attempt's start (never going back, so a player never stalls), the raw line with a
    /// CRLF as a terminal would have received it.
    /// </summary>
    public string Cast()
    {
        var start = startedAt ?? (lines.Count > 0 ? lines[0].Timestamp : DateTimeOffset.UnixEpoch);
        var width = Math.Clamp(lines.Count == 0 ? 0 : lines.Max(l => l.Message?.Length ?? 0), MinWidth, MaxWidth);
        var height = Math.Clamp(lines.Count, MinHeight, MaxHeight);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 2);
            json.WriteNumber("width", width);
            json.WriteNumber("height", height);
            json.WriteNumber("timestamp", start.ToUnixTimeSeconds());
            json.WriteString("title", $"{NodeId} attempt {Attempt} of run {RunId}");
            json.WriteStartObject("env");
            json.WriteString("TERM", "xterm-256color");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        var cast = new StringBuilder(Encoding.UTF8.GetString(buffer.ToArray())).Append('\n');
        var previous = 0.0;
        foreach (var line in lines)
        {
            var seconds = Math.Max(previous, Math.Round((line.Timestamp - start).TotalSeconds, 6));
            previous = seconds;
            cast.Append('[')
                .Append(seconds.ToString("0.000000", CultureInfo.InvariantCulture))
                .Append(", \"o\", ")
                .Append(JsonSerializer.Serialize((line.Output!.Raw ?? line.Message ?? string.Empty) + "\r\n"))
                .Append("]\n");
        }

        return cast.ToString();
    }
}
