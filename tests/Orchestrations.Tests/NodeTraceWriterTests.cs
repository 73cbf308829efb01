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

    /// <summary>
    /// A transport whose store is down until <see cref="Reopen"/>: publishes wait, and are then stored in the order
    /// they were handed over, as the in-process one does in an outage.
    /// </summary>
    private sealed class StalledPublisher : ITracePublisher
    {
        private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<TraceEvent> handedOver = [];

        public IReadOnlyList<TraceEvent> Events
        {
            get
            {
                lock (handedOver)
                {
                    return open.Task.IsCompleted ? [.. handedOver] : [];
                }
            }
        }

        public int OrderedPublishesInFlight => 4;

        public void Reopen() => open.TrySetResult();

        public Task PublishAsync(IReadOnlyList<TraceEvent> batch, CancellationToken cancellationToken = default)
        {
            lock (handedOver)
            {
                handedOver.AddRange(batch);
            }

            return open.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A transport that refuses the first few publishes, as Event Hubs would while unreachable.</summary>
    private sealed class FlakyPublisher(int refusals) : ITracePublisher
    {
        private readonly CollectingPublisher inner = new();
        private int refused;

        public IReadOnlyList<TraceEvent> Events => inner.Events;

        public Task PublishAsync(IReadOnlyList<TraceEvent> batch, CancellationToken cancellationToken = default)
            => Interlocked.Increment(ref refused) <= refusals
                ? Task.FromException(new InvalidOperationException("The transport is unreachable."))
                : inner.PublishAsync(batch, cancellationToken);
    }

    private static NodeTraceWriter Writer(ITracePublisher publisher, TraceLimitsOptions limits)
        => new(publisher, TimeProvider.System, NullLogger.Instance, limits, "run", "node", 1);

    [Fact]
    public async Task Events_held_during_an_outage_spill_to_disk_and_arrive_in_order_once_when_it_ends()
    {
        var publisher = new StalledPublisher();
        var spill = Directory.CreateTempSubdirectory("spool-test");
        var limits = new TraceLimitsOptions { MaxEventsPerSecondPerNode = 1_000_000, MaxBufferedEvents = 100, SpillDirectory = spill.FullName };
        await using var writer = Writer(publisher, limits);

        for (var i = 0; i < 20_000; i++)
        {
            Log(writer, $"{i}");
        }

        // The store is still down: most of the events wait on disk, not in memory.
        Assert.NotEmpty(spill.GetFiles());
        writer.Emit(writer.Lifecycle(TraceEventType.NodeCompleted, TraceEventLevel.Info));
        publisher.Reopen();
        await writer.CompleteAsync();

        var events = publisher.Events;
        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => $"{i}"), events.Where(e => e.Type == TraceEventType.NodeLog).Select(e => e.Message));
        Assert.Equal(TraceEventType.NodeCompleted, events[^1].Type);
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(0, writer.LostToBufferCount);
        await writer.DisposeAsync();
        Assert.Empty(spill.GetFiles());
        spill.Delete();
    }

    [Fact]
    public async Task Events_beyond_the_buffer_bounds_are_counted_in_one_warning_and_the_end_is_kept()
    {
        var publisher = new StalledPublisher();
        var spill = Directory.CreateTempSubdirectory("spool-test");
        var limits = new TraceLimitsOptions
        {
            MaxEventsPerSecondPerNode = 1_000_000, MaxBufferedEvents = 100, MaxSpillBytes = 64 * 1024, SpillDirectory = spill.FullName,
        };
        await using var writer = Writer(publisher, limits);

        for (var i = 0; i < 5_000; i++)
        {
            Log(writer, $"line {i}");
        }

        writer.Emit(writer.Lifecycle(TraceEventType.NodeCompleted, TraceEventLevel.Info));
        publisher.Reopen();
        await writer.CompleteAsync();

        var events = publisher.Events;
        var kept = events.Count(e => e.Message?.StartsWith("line ", StringComparison.Ordinal) == true);
        var warnings = events.Where(e => e.Message?.StartsWith("Trace buffer full:", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(warnings);
        Assert.InRange(kept, 101, 4_999);
        // Every dropped event is counted, in warnings that take the place of what was lost.
        Assert.Equal(5_000 - kept, warnings.Sum(w => int.Parse(w.Message!.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(TraceEventType.NodeCompleted, events[^1].Type);
        var lines = events.Where(e => e.Message?.StartsWith("line ", StringComparison.Ordinal) == true).Select(e => int.Parse(e.Message!["line ".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(lines.Order(), lines);
        spill.Delete(recursive: true);
    }

    [Fact]
    public async Task A_batch_the_transport_refuses_is_handed_over_again_until_it_is_taken()
    {
        var publisher = new FlakyPublisher(refusals: 3);
        await using var writer = Writer(publisher, new TraceLimitsOptions { MaxEventsPerSecondPerNode = 1_000_000 });

        for (var i = 0; i < 100; i++)
        {
            Log(writer, $"{i}");
        }

        await writer.CompleteAsync();

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"{i}"), publisher.Events.Select(e => e.Message));
    }
}
