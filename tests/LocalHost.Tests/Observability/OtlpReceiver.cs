using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ShipSec.LocalHost.Tests.Observability;

/// <summary>A span as an OTLP exporter sent it: ids as lowercase hex, string and integer attributes as text.</summary>
public sealed record ReceivedSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, string ServiceName,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<(string TraceId, string SpanId)> Links);

/// <summary>One data point of a metric (sum or histogram) with its attributes.</summary>
public sealed record ReceivedPoint(string Metric, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP receiver on loopback (<c>POST /v1/traces</c>, <c>POST /v1/metrics</c>, protobuf), reading just the
/// fields the tests look at straight off the wire (OpenTelemetry.Proto is not served by the package mirror).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedSpan> spans = new();
    private readonly ConcurrentQueue<ReceivedPoint> points = new();
    private readonly Channel<bool> arrived = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private OtlpReceiver(WebApplication app) => this.app = app;

    /// <summary>The base endpoint, for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Endpoint { get; private set; } = "";

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", receiver.ReceiveTracesAsync);
        app.MapPost("/v1/metrics", receiver.ReceiveMetricsAsync);
        await app.StartAsync();
        receiver.Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    /// <summary>Waits until the spans received so far satisfy <paramref name="condition"/>, or fails the test at the deadline.</summary>
    public Task<IReadOnlyList<ReceivedSpan>> WaitForSpansAsync(Func<IReadOnlyList<ReceivedSpan>, bool> condition, TimeSpan deadline)
        => WaitAsync(spans, condition, deadline, "spans");

    /// <summary>Waits until the metric points received so far satisfy <paramref name="condition"/>, or fails the test at the deadline.</summary>
    public Task<IReadOnlyList<ReceivedPoint>> WaitForPointsAsync(Func<IReadOnlyList<ReceivedPoint>, bool> condition, TimeSpan deadline)
        => WaitAsync(points, condition, deadline, "metric points");

    private async Task<IReadOnlyList<T>> WaitAsync<T>(ConcurrentQueue<T> received, Func<IReadOnlyList<T>, bool> condition, TimeSpan deadline, string what)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (true)
        {
            var snapshot = received.ToArray();
            if (condition(snapshot))
            {
                return snapshot;
            }

            try
            {
                await arrived.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The {what} awaited did not arrive within {deadline.TotalSeconds} s; {snapshot.Length} received: "
                    + string.Join(", ", snapshot.Take(40)));
            }
        }
    }

    private async Task<IResult> ReceiveTracesAsync(HttpRequest request)
    {
        foreach (var resourceSpans in Fields(await BodyAsync(request)).Where(f => f.Number == 1))
        {
            var service = ServiceName(resourceSpans.Bytes);
            foreach (var scopeSpans in Fields(resourceSpans.Bytes).Where(f => f.Number == 2))
            {
                foreach (var span in Fields(scopeSpans.Bytes).Where(f => f.Number == 2))
                {
                    spans.Enqueue(ReadSpan(span.Bytes, service));
                }
            }
        }

        arrived.Writer.TryWrite(true);
        return Results.Bytes([], "application/x-protobuf");
    }

    private async Task<IResult> ReceiveMetricsAsync(HttpRequest request)
    {
        foreach (var resourceMetrics in Fields(await BodyAsync(request)).Where(f => f.Number == 1))
        {
            foreach (var scopeMetrics in Fields(resourceMetrics.Bytes).Where(f => f.Number == 2))
            {
                foreach (var metric in Fields(scopeMetrics.Bytes).Where(f => f.Number == 2))
                {
                    var fields = Fields(metric.Bytes).ToList();
                    var name = fields.Where(f => f.Number == 1).Select(f => f.Text).FirstOrDefault() ?? "";
                    // sum (7: NumberDataPoint, attributes 7) and histogram (9: HistogramDataPoint, attributes 9).
                    foreach (var (data, attributes) in new[] { (7, 7), (9, 9) })
                    {
                        foreach (var body in fields.Where(f => f.Number == data))
                        {
                            foreach (var point in Fields(body.Bytes).Where(f => f.Number == 1))
                            {
                                points.Enqueue(new ReceivedPoint(name, Attributes(point.Bytes, attributes)));
                            }
                        }
                    }
                }
            }
        }

        arrived.Writer.TryWrite(true);
        return Results.Bytes([], "application/x-protobuf");
    }

    private static async Task<byte[]> BodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    // Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 9 attributes, 13 links (Link: 1 trace_id, 2 span_id).
    private static ReceivedSpan ReadSpan(byte[] span, string service)
    {
        var fields = Fields(span).ToList();
        string Hex(int number) => fields.Where(f => f.Number == number).Select(f => Convert.ToHexStringLower(f.Bytes)).FirstOrDefault() ?? "";
        var links = fields.Where(f => f.Number == 13)
            .Select(link => Fields(link.Bytes).ToList())
            .Select(link => (Convert.ToHexStringLower(link.First(f => f.Number == 1).Bytes), Convert.ToHexStringLower(link.First(f => f.Number == 2).Bytes)))
            .ToList();
        return new ReceivedSpan(Hex(1), Hex(2), Hex(4), fields.Where(f => f.Number == 5).Select(f => f.Text).FirstOrDefault() ?? "", service, Attributes(span, 9), links);
    }

    // ResourceSpans: 1 resource (Resource: 1 attributes).
    private static string ServiceName(byte[] resourceSpans)
        => Fields(resourceSpans).Where(f => f.Number == 1).Select(f => Attributes(f.Bytes, 1).GetValueOrDefault("service.name")).FirstOrDefault() ?? "";

    // KeyValue: 1 key, 2 value (AnyValue: 1 string_value, 3 int_value).
    private static Dictionary<string, string> Attributes(byte[] message, int number)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Fields(message).Where(f => f.Number == number))
        {
            var parts = Fields(keyValue.Bytes).ToList();
            var key = parts.First(f => f.Number == 1).Text;
            var value = parts.Where(f => f.Number == 2).SelectMany(f => Fields(f.Bytes)).FirstOrDefault();
            attributes[key] = value.Number switch
            {
                1 => value.Text,
                3 => ((long)value.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => "",
            };
        }

        return attributes;
    }

    private readonly record struct Field(int Number, byte[] Bytes, ulong Varint)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Bytes);
    }

    private static IEnumerable<Field> Fields(byte[] message)
    {
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited:
                    yield return new Field(number, input.ReadBytes().ToByteArray(), 0);
                    break;
                case WireFormat.WireType.Varint:
                    yield return new Field(number, [], input.ReadUInt64());
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
