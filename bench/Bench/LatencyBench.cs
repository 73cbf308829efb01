using System.Diagnostics;
using TraceEventType = ShipSec.Shared.Trace.TraceEventType;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.Bench;

/// <summary>
/// Emit (the moment an event is handed to <see cref="ITracePublisher"/>) to arrival at a dashboard-like
/// client: a SignalR connection on loopback subscribed to the run, beside a client that polls the trace
/// endpoint every second, both watching the same run at once.
/// </summary>
internal sealed class LatencyBench(IsolatedLocalHost host)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Latencies (ms) of every event, for the live and the polling client, and the rate achieved.</summary>
    public sealed record Result(double[] Live, double[] Polled, double EventsPerSecond);

    /// <summary>Emits at <paramref name="rate"/> events/s for <paramref name="duration"/>, in 10 ms ticks.</summary>
    public Task<Result> PacedAsync(int rate, TimeSpan duration, bool poll)
        => MeasureAsync((int)(rate * duration.TotalSeconds), poll, async (publisher, events, emitted) =>
        {
            var inFlight = new List<Task>();
            var clock = Stopwatch.StartNew();
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            var sent = 0;
            while (sent < events.Length)
            {
                var due = Math.Min(events.Length, (int)(rate * clock.Elapsed.TotalSeconds));
                if (due > sent)
                {
                    var batch = new ArraySegment<TraceEvent>(events, sent, due - sent);
                    var now = Stopwatch.GetTimestamp();
                    for (var i = sent; i < due; i++)
                    {
                        emitted[i] = now;
                    }

                    inFlight.Add(publisher.PublishAsync(batch));
                    sent = due;
                }

                await tick.WaitForNextTickAsync();
            }

            await Task.WhenAll(inFlight);
        });

    /// <summary>
    /// As many events as the path takes: <paramref name="publishers"/> loops each publishing the next
    /// <paramref name="batch"/> events as soon as the previous ones are committed.
    /// </summary>
    public Task<Result> SaturatedAsync(int total, int publishers, int batch)
        => MeasureAsync(total, poll: false, async (publisher, events, emitted) =>
        {
            var next = -batch;
            await Task.WhenAll(Enumerable.Range(0, publishers).Select(async _ =>
            {
                int start;
                while ((start = Interlocked.Add(ref next, batch)) < events.Length)
                {
                    var count = Math.Min(batch, events.Length - start);
                    var now = Stopwatch.GetTimestamp();
                    for (var i = start; i < start + count; i++)
                    {
                        emitted[i] = now;
                    }

                    await publisher.PublishAsync(new ArraySegment<TraceEvent>(events, start, count));
                }
            }));
        });

    private async Task<Result> MeasureAsync(int total, bool poll, Func<ITracePublisher, TraceEvent[], long[], Task> emit)
    {
        var runId = "bench-live-" + Guid.NewGuid().ToString("N");
        await host.Services.GetRequiredService<IRunStore>().CreateAsync(new NewRun(runId, "bench", 1, 1, DateTimeOffset.UtcNow));
        var events = Enumerable.Range(0, total).Select(i => new TraceEvent
        {
            Id = $"{runId}:{i}", RunId = runId, NodeId = "emit", Attempt = 1, Type = TraceEventType.NodeLog,
            Timestamp = DateTimeOffset.UtcNow, Message = $"line {i} of the live latency bench",
        }).ToArray();
        var emitted = new long[total];
        var live = Enumerable.Repeat(double.NaN, total).ToArray();
        var polled = Enumerable.Repeat(double.NaN, total).ToArray();
        var liveCount = 0;
        var allLive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var (connection, accessToken) = await ConnectAsync();
        await using var _ = connection;
        connection.On<JsonElement>("traceEvents", message =>
        {
            var arrived = Stopwatch.GetTimestamp();
            foreach (var e in message.GetProperty("events").EnumerateArray())
            {
                var index = IndexOf(e.GetProperty("id").GetString()!);
                live[index] = Stopwatch.GetElapsedTime(emitted[index], arrived).TotalMilliseconds;
                if (Interlocked.Increment(ref liveCount) == total)
                {
                    allLive.TrySetResult();
                }
            }
        });
        using (var subscribed = await host.Http.PostAsJsonAsync(
            new Uri($"api/workflows/runs/{runId}/subscribe", UriKind.Relative), new { accessToken }))
        {
            if (subscribed.StatusCode != HttpStatusCode.NoContent)
            {
                throw new InvalidOperationException($"Subscribing to {runId} answered {(int)subscribed.StatusCode}.");
            }
        }

        using var stopPolling = new CancellationTokenSource();
        var polling = poll ? PollAsync(runId, emitted, polled, total, stopPolling.Token) : Task.CompletedTask;

        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var clock = Stopwatch.StartNew();
        await emit(publisher, events, emitted);
        var elapsed = clock.Elapsed;
        await allLive.Task.WaitAsync(Deadline);
        await polling.WaitAsync(Deadline);
        return new Result(live, polled, total / elapsed.TotalSeconds);
    }

    /// <summary>The anchor's way: every second, read the trace after the last cursor.</summary>
    private async Task PollAsync(string runId, long[] emitted, double[] polled, int total, CancellationToken cancellationToken)
    {
        long after = 0;
        var seen = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (seen < total && await timer.WaitForNextTickAsync(cancellationToken))
        {
            bool more;
            do
            {
                var page = await host.Http.GetFromJsonAsync<JsonElement>(
                    new Uri($"api/workflows/runs/{runId}/trace?after={after}&limit=5000", UriKind.Relative), cancellationToken);
                var arrived = Stopwatch.GetTimestamp();
                foreach (var e in page.GetProperty("events").EnumerateArray())
                {
                    var index = IndexOf(e.GetProperty("id").GetString()!);
                    polled[index] = Stopwatch.GetElapsedTime(emitted[index], arrived).TotalMilliseconds;
                    seen++;
                }

                after = page.GetProperty("nextCursor").GetInt64();
                more = page.GetProperty("hasMore").GetBoolean();
            }
            while (more);
        }
    }

    private static int IndexOf(string id) => int.Parse(id.AsSpan(id.LastIndexOf(':') + 1));

    private async Task<(HubConnection Connection, string AccessToken)> ConnectAsync()
    {
        using var response = await host.Http.PostAsync(new Uri("api/negotiate", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        var negotiated = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = negotiated.GetProperty("accessToken").GetString()!;
        var connection = new HubConnectionBuilder()
            .WithUrl(negotiated.GetProperty("url").GetString()!, options =>
            {
                // The hub admits connections by the token from negotiate; subscribing joins the token's user.
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        await connection.StartAsync().WaitAsync(Deadline);
        return (connection, token);
    }
}
