using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ShipSec.Functions.Http;
using ShipSec.Shared.Json;

namespace ShipSec.LocalHost.Endpoints;

/// <summary>
/// Kestrel answers a request it cannot parse (a NUL in the path, a malformed request line or header, headers over
/// its limits) by itself, before any middleware runs, with an empty body and <c>Connection: close</c>. This
/// connection middleware gives those answers a problem-details body: it passes everything Kestrel writes through,
/// and a write that is exactly such a response (a 4xx/5xx status line at the start of the write, headers only,
/// <c>Content-Length: 0</c>, <c>Connection: close</c>) goes out with the problem body added. Responses the app
/// writes always carry a body of their own, so none of them matches.
/// </summary>
internal static class KestrelErrorBodies
{
    /// <summary>The longest write inspected: Kestrel's error responses are a status line and three short headers.</summary>
    private const int MaxInspectedBytes = 512;

    public static ListenOptions UseProblemBodiesForKestrelErrors(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => async connection =>
        {
            var transport = connection.Transport;
            var outgoing = new Pipe(new PipeOptions(useSynchronizationContext: false));
            connection.Transport = new DuplexPipe(transport.Input, outgoing.Writer);
            var pump = PumpAsync(outgoing.Reader, transport.Output);
            try
            {
                await next(connection);
            }
            finally
            {
                await outgoing.Writer.CompleteAsync();
                await pump;
                connection.Transport = transport;
            }
        });
        return listen;
    }

    private static async Task PumpAsync(PipeReader from, PipeWriter to)
    {
        try
        {
            while (true)
            {
                var result = await from.ReadAsync();
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    if (buffer.Length <= MaxInspectedBytes && WithProblemBody(buffer) is { } rewritten)
                    {
                        to.Write(rewritten);
                    }
                    else
                    {
                        foreach (var segment in buffer)
                        {
                            to.Write(segment.Span);
                        }
                    }

                    var flushed = await to.FlushAsync();
                    from.AdvanceTo(buffer.End);
                    if (flushed.IsCompleted)
                    {
                        break;
                    }
                }
                else
                {
                    from.AdvanceTo(buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ConnectionResetException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away; Kestrel sees the same on its side.
        }
        finally
        {
            await from.CompleteAsync();
            await to.CompleteAsync();
        }
    }

    /// <summary>The response with a problem body when <paramref name="written"/> is one of Kestrel's bodiless error answers; otherwise null.</summary>
    internal static byte[]? WithProblemBody(ReadOnlySequence<byte> written)
    {
        var text = Encoding.Latin1.GetString(written);
        if (!text.StartsWith("HTTP/1.", StringComparison.Ordinal) || text.Length < 13 || text[8] != ' '
            || !int.TryParse(text.AsSpan(9, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status)
            || status < 400 || !text.EndsWith("\r\n\r\n", StringComparison.Ordinal)
            || text.IndexOf("\r\n\r\n", StringComparison.Ordinal) != text.Length - 4)
        {
            return null;
        }

        var lines = text[..^4].Split("\r\n");
        if (!lines.Skip(1).Any(l => l.Equals("Content-Length: 0", StringComparison.OrdinalIgnoreCase))
            || !lines.Skip(1).Any(l => l.Equals("Connection: close", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var problem = Problems.UnreadableRequest(status).Value;
        var body = JsonSerializer.SerializeToUtf8Bytes(problem, ShipSecJson.Options);
        var head = new StringBuilder();
        foreach (var line in lines)
        {
            if (!line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                head.Append(line).Append("\r\n");
            }
        }

        head.Append("Content-Type: application/problem+json\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body];
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
