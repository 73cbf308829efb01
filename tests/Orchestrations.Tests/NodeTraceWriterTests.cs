using Microsoft.Extensions.Logging.Abstractions;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations.Tests;

/// <summary>What a node's trace writer hands to the transport: limits applied, nothing lost without saying so.</summary>
public sealed class NodeTraceWriterTests
{
    /// <summary>A transport that keeps what it was given, as the collector would.</summary>
    private sealed class CollectingPublisher : ITracePublisher
    {
        private readonly List<TraceEvent> events = [];

        public IReadOnlyList<TraceEvent> Events
        {
            get
            {
                lock (events)
                {
                    return [.. events];
                }
            }
        }

        public Task PublishAsync(IReadOnlyList<TraceEvent> batch, CancellationToken cancellationToken = default)
        {
            lock (events)
            {
                events.AddRange(batch);
            }

            return Task.CompletedTask;
        }
    }

    private static NodeTraceWriter Writer(CollectingPublisher publisher, int maxPerSecond = 1000, int maxLength = 1000)
        => new(publisher, TimeProvider.System, NullLogger.Instance,
            new TraceLimitsOptions { MaxEventsPerSecondPerNode = maxPerSecond, MaxMessageLength = maxLength }, "run", "node", 1);

    private static void Log(NodeTraceWriter writer, string message)
        => writer.Emit(writer.Next(TraceEventType.NodeLog, TraceEventLevel.Info) with { Message = message });

    [Fact]
    public async Task Events_beyond_the_rate_are_replaced_by_one_warning_that_counts_them()
    {
        var publisher = new CollectingPublisher();
        await using var writer = Writer(publisher, maxPerSecond: 10);

        for (var i = 0; i < 2000; i++)
        {
            Log(writer, $"line {i}");
        }

        writer.Emit(writer.Lifecycle(TraceEventType.NodeCompleted, TraceEventLevel.Info));
        await writer.CompleteAsync();

        var events = publisher.Events;
        var kept = events.Count(e => e.Message?.StartsWith("line ", StringComparison.Ordinal) == true);
        var warnings = events.Where(e => e.Message?.StartsWith("Throttled:", StringComparison.Ordinal) == true).ToList();
        Assert.True(writer.DroppedCount > 0);
        Assert.Equal(2000, kept + writer.DroppedCount);
        Assert.Equal(writer.DroppedCount, warnings.Sum(w => long.Parse(w.Message!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(warnings, w => Assert.Equal(TraceEventLevel.Warn, w.Level));
        Assert.Equal(TraceEventType.NodeCompleted, events[^1].Type);
    }

    [Fact]
    public async Task The_latest_progress_survives_throttling()
    {
        var publisher = new CollectingPublisher();
        await using var writer = Writer(publisher, maxPerSecond: 5);

        for (var i = 1; i <= 500; i++)
        {
            writer.Emit(writer.Next(TraceEventType.NodeProgress, TraceEventLevel.Info) with { Progress = new TraceProgress(i, 500) });
        }

        await writer.CompleteAsync();

        var progress = publisher.Events.Where(e => e.Type == TraceEventType.NodeProgress).ToList();
        Assert.True(progress.Count < 500);
        Assert.Equal(new TraceProgress(500, 500), progress[^1].Progress);
    }

    [Fact]
    public async Task Long_messages_are_truncated_and_secrets_masked()
    {
        var publisher = new CollectingPublisher();
        await using var writer = Writer(publisher, maxLength: 300);
        writer.Secrets.Add("hunter2-api-token");

        Log(writer, new string('a', 5000));
        Log(writer, "Authorization: Bearer hunter2-api-token");
        writer.Emit(writer.Lifecycle(TraceEventType.NodeFailed, TraceEventLevel.Error) with { Error = new TraceError("login with hunter2-api-token failed", "exception") });
        await writer.CompleteAsync();

        var events = publisher.Events;
        Assert.Equal(new string('a', 300) + "… [truncated 4700 characters]", events[0].Message);
        Assert.Equal("Authorization: Bearer ***", events[1].Message);
        Assert.Equal("login with *** failed", events[2].Error!.Message);
        Assert.DoesNotContain(events, e => (e.Message ?? string.Empty).Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_event_is_handed_over_in_order_before_completion_returns()
    {
        var publisher = new CollectingPublisher();
        await using var writer = Writer(publisher, maxPerSecond: 1_000_000);

        for (var i = 0; i < 5000; i++)
        {
            Log(writer, $"{i}");
        }

        await writer.CompleteAsync();

        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"{i}"), publisher.Events.Select(e => e.Message));
        Assert.Equal(5000, publisher.Events.Select(e => e.Id).Distinct().Count());
    }
}
