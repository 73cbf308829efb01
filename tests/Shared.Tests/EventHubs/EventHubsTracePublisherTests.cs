using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using ShipSec.Shared.EventHubs;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Tests.Trace;

namespace ShipSec.Shared.Tests.EventHubs;

public sealed class EventHubsTracePublisherTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Each_run_goes_to_its_own_partition_key_in_order_and_no_batch_or_body_exceeds_its_limit()
    {
        const int batchLimit = 4096;
        const int bodyLimit = 1024;
        var hub = new RecordingHub(batchLimit);
        await using var publisher = new EventHubsTracePublisher(hub, bodyLimit);
        var runs = new[] { TraceEvents.NewRunId(), TraceEvents.NewRunId(), TraceEvents.NewRunId() };

        // Interleaved runs, lines of varied length (some near the body limit on their own).
        var events = Enumerable.Range(1, 120)
            .Select(i => TraceEvents.Log(runs[i % 3], "scan", i, new string('x', (i * 37) % 700)))
            .Append(TraceEvents.Status(runs[0], RunStatus.Failed, 5, "scan", "boom"))
            .ToArray();

        await publisher.PublishAsync(events).WaitAsync(Deadline);

        Assert.All(hub.Sent, batch =>
        {
            Assert.NotEmpty(batch.Events);
            Assert.True(batch.Bytes <= batchLimit, $"A batch of {batch.Bytes} bytes exceeds {batchLimit}.");
            Assert.All(batch.Events, data => Assert.True(data.EventBody.ToMemory().Length <= bodyLimit));
            // Every trace event in a batch belongs to the batch's partition key.
            Assert.All(batch.Events.SelectMany(data => TraceEventBodies.Read(data.EventBody)), e => Assert.Equal(batch.PartitionKey, e.RunId));
        });
        Assert.True(hub.Sent.Count > runs.Length, "The events should have needed more than one batch per run.");

        foreach (var runId in runs)
        {
            var received = hub.Sent.Where(b => b.PartitionKey == runId).SelectMany(b => b.Events).SelectMany(d => TraceEventBodies.Read(d.EventBody));
            Assert.Equal(events.Where(e => e.RunId == runId), received);
        }
    }

    [Fact]
    public async Task Publish_completes_only_after_event_hubs_acknowledged_the_send()
    {
        var hub = new RecordingHub(1024 * 1024) { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var publisher = new EventHubsTracePublisher(hub);
        var runId = TraceEvents.NewRunId();

        var publishing = publisher.PublishAsync([TraceEvents.Log(runId, "scan", 1), TraceEvents.Log(runId, "scan", 2)]);
        await hub.SendStarted.Task.WaitAsync(Deadline);
        Assert.False(publishing.IsCompleted);

        hub.Gate.SetResult();
        await publishing.WaitAsync(Deadline);
        var batch = Assert.Single(hub.Sent);
        Assert.Equal(runId, batch.PartitionKey);
        Assert.Equal(2, TraceEventBodies.Read(Assert.Single(batch.Events).EventBody).Count);
    }

    [Fact]
    public async Task An_event_too_large_for_any_batch_fails_the_publish()
    {
        var hub = new RecordingHub(2048);
        await using var publisher = new EventHubsTracePublisher(hub);
        var runId = TraceEvents.NewRunId();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => publisher.PublishAsync([TraceEvents.Log(runId, "scan", 1, new string('x', 4000))]));
        Assert.Contains(runId, error.Message, StringComparison.Ordinal);
        Assert.Empty(hub.Sent);
    }

    /// <summary>An Event Hub stand-in: batches that account their size like the service (body plus overhead) and a record of what was sent.</summary>
    private sealed class RecordingHub(long batchLimit) : IEventHubSender
    {
        private const int OverheadPerEvent = 64;
        private readonly Dictionary<EventDataBatch, SentBatch> _open = [];

        public List<SentBatch> Sent { get; } = [];

        public TaskCompletionSource? Gate { get; init; }

        public TaskCompletionSource SendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken)
        {
            var record = new SentBatch(options.PartitionKey);
            var batch = EventHubsModelFactory.EventDataBatch(batchLimit, record.Events, options, data =>
            {
                var size = data.EventBody.ToMemory().Length + OverheadPerEvent;
                if (record.Bytes + size > batchLimit)
                {
                    return false;
                }

                record.Bytes += size;
                return true;
            });
            lock (_open)
            {
                _open.Add(batch, record);
            }

            return ValueTask.FromResult(batch);
        }

        public async Task SendAsync(EventDataBatch batch, CancellationToken cancellationToken)
        {
            SendStarted.TrySetResult();
            if (Gate is not null)
            {
                await Gate.Task.WaitAsync(cancellationToken);
            }

            lock (_open)
            {
                Sent.Add(_open[batch]);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class SentBatch(string? partitionKey)
    {
        public string? PartitionKey { get; } = partitionKey;

        public List<EventData> Events { get; } = [];

        public long Bytes { get; set; }
    }
}
