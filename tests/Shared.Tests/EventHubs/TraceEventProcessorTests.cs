using System.Text.Json;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ShipSec.Shared.EventHubs;
using ShipSec.Shared.Json;
using ShipSec.Shared.Postgres;
using ShipSec.Shared.Tests.Postgres;
using ShipSec.Shared.Tests.Trace;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.EventHubs;

/// <summary>
/// The collector side of the Event Hubs transport, without a hub: batches made with EventHubsModelFactory
/// are handed to the processor's batch handling, against a real PostgreSQL schema of each test's own.
/// </summary>
public sealed class TraceEventProcessorTests : IAsyncLifetime
{
    private const string Partition = "0";
    private readonly PostgresSchemaFixture _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_redelivered_batch_stores_nothing_twice_and_the_trace_stays_gapless()
    {
        var processor = CreateProcessor();
        var runId = TraceEvents.NewRunId();
        var first = new[]
        {
            Body(100, TraceEvents.Started(runId, "scan", 1, 0), TraceEvents.Log(runId, "scan", 1)),
            Body(101, TraceEvents.Log(runId, "scan", 2), TraceEvents.Log(runId, "scan", 3)),
        };
        var second = new[]
        {
            // The service redelivers from the last checkpoint, possibly overlapping what was stored.
            first[1],
            Body(102, TraceEvents.Log(runId, "scan", 4), TraceEvents.Completed(runId, "scan", 1, 9)),
        };

        await processor.ProcessBatchAsync(Partition, first, default);
        await processor.ProcessBatchAsync(Partition, first, default);
        await processor.ProcessBatchAsync(Partition, second, default);

        var page = await new PostgresTraceStore(_database.DataSource).ReadAsync(runId, 0, 100);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), page.Events.Select(e => e.Sequence));
        Assert.Equal(6, page.Events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(After(102), (await processor.ReadCheckpointAsync(Partition, default))!.StartingPosition);
    }

    [Fact]
    public async Task A_malformed_event_in_the_middle_of_a_batch_stores_neither_events_nor_checkpoint()
    {
        var processor = CreateProcessor();
        var runId = TraceEvents.NewRunId();
        var batch = new[]
        {
            Body(7, TraceEvents.Log(runId, "scan", 1)),
            EventHubsModelFactory.EventData(new BinaryData("{\"id\":"u8.ToArray()), sequenceNumber: 8, offsetString: "808"),
            Body(9, TraceEvents.Log(runId, "scan", 2)),
        };

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => processor.ProcessBatchAsync(Partition, batch, default));

        Assert.Contains("Event Hubs event 8", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await CountEventsAsync(runId));
        Assert.Null(await processor.ReadCheckpointAsync(Partition, default));
    }

    [Fact]
    public async Task A_store_failure_after_the_events_were_written_rolls_back_the_events_with_the_checkpoint()
    {
        var processor = CreateProcessor();
        var runId = TraceEvents.NewRunId();
        await processor.ProcessBatchAsync(Partition, [Body(1, TraceEvents.Log(runId, "scan", 1))], default);

        // The checkpoint is written last in the transaction; make that write fail.
        await ExecuteAsync("""
            CREATE FUNCTION refuse_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'checkpoint refused'; END $$;
            CREATE TRIGGER refuse_checkpoint BEFORE INSERT OR UPDATE ON trace_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_checkpoint();
            """);

        await Assert.ThrowsAsync<PostgresException>(() => processor.ProcessBatchAsync(
            Partition, [Body(2, TraceEvents.Log(runId, "scan", 2)), Body(3, TraceEvents.Log(runId, "scan", 3))], default));

        Assert.Equal(1L, await CountEventsAsync(runId));
        Assert.Equal(After(1), (await processor.ReadCheckpointAsync(Partition, default))!.StartingPosition);

        // Once the store works again the redelivered batch lands, gaplessly.
        await ExecuteAsync("DROP TRIGGER refuse_checkpoint ON trace_checkpoints");
        await processor.ProcessBatchAsync(Partition, [Body(2, TraceEvents.Log(runId, "scan", 2)), Body(3, TraceEvents.Log(runId, "scan", 3))], default);
        Assert.Equal(3L, await _database.ScalarAsync<long>("SELECT max(sequence) FROM trace_events WHERE run_id = $1", runId));
    }

    [Fact]
    public async Task A_restarted_processor_resumes_after_the_stored_checkpoint()
    {
        var runId = TraceEvents.NewRunId();
        await CreateProcessor().ProcessBatchAsync(
            Partition, [Body(41, TraceEvents.Log(runId, "scan", 1)), Body(42, TraceEvents.Log(runId, "scan", 2))], default);

        var restarted = CreateProcessor();
        var checkpoint = await restarted.ReadCheckpointAsync(Partition, default);

        Assert.NotNull(checkpoint);
        Assert.Equal(Partition, checkpoint.PartitionId);
        Assert.Equal("traces", checkpoint.EventHubName);
        Assert.Equal("$Default", checkpoint.ConsumerGroup);
        Assert.Equal("shipsec-test.servicebus.windows.net", checkpoint.FullyQualifiedNamespace);
        // Exclusive: event 42 was stored, so reading resumes with the one after it.
        Assert.Equal(After(42), checkpoint.StartingPosition);
        Assert.Null(await restarted.ReadCheckpointAsync("1", default));
        Assert.Null(await CreateProcessor(consumerGroup: "dashboard").ReadCheckpointAsync(Partition, default));
    }

    [Fact]
    public async Task Of_two_processors_claiming_one_partition_only_one_gets_it()
    {
        var first = CreateProcessor();
        var second = CreateProcessor();

        var claimedByFirst = (await first.ClaimAsync([Desired(first, version: null)], default)).ToArray();
        var claimedBySecond = (await second.ClaimAsync([Desired(second, version: null)], default)).ToArray();

        var owned = Assert.Single(claimedByFirst);
        Assert.Empty(claimedBySecond);
        Assert.Equal(first.Identifier, Assert.Single(await second.ReadOwnershipAsync(default)).OwnerIdentifier);

        // Both saw the same version; the first renewal wins and the other claim is now stale.
        var renewed = Assert.Single(await first.ClaimAsync([Desired(first, owned.Version)], default));
        Assert.Empty(await second.ClaimAsync([Desired(second, owned.Version)], default));
        Assert.NotEqual(owned.Version, renewed.Version);

        // Taking over with the current version works (what load balancing does with an expired owner).
        var taken = Assert.Single(await second.ClaimAsync([Desired(second, renewed.Version)], default));
        Assert.Equal(second.Identifier, taken.OwnerIdentifier);
        Assert.Equal(second.Identifier, Assert.Single(await first.ReadOwnershipAsync(default)).OwnerIdentifier);
    }

    [Fact]
    public async Task Observers_hear_of_a_batch_once_after_it_committed()
    {
        var heard = new List<TraceEvent>();
        var processor = CreateProcessor(observer: new Recording(heard));
        var runId = TraceEvents.NewRunId();
        var batch = new[] { Body(5, TraceEvents.Log(runId, "scan", 1), TraceEvents.Log(runId, "scan", 2)) };

        await processor.ProcessBatchAsync(Partition, batch, default);
        await processor.ProcessBatchAsync(Partition, batch, default);

        Assert.Equal([1L, 2L], heard.Select(e => e.Sequence));
    }

    private TraceEventProcessor CreateProcessor(string consumerGroup = "$Default", ITraceObserver? observer = null)
    {
        var options = new EventHubsTraceOptions
        {
            // Never contacted: the tests drive batch handling, ownership and checkpoints directly.
            ConnectionString = "Endpoint=sb://shipsec-test.servicebus.windows.net/;SharedAccessKeyName=test;SharedAccessKey=dGVzdA==",
            EventHubName = "traces",
            ConsumerGroup = consumerGroup,
        };
        var store = new PostgresTraceStore(_database.DataSource);
        var collector = new TraceCollector(store, observer is null ? [] : [observer], NullLogger<TraceCollector>.Instance);
        return TraceEventProcessor.Create(options, collector, new PostgresPartitionStore(_database.DataSource, store), NullLogger<TraceEventProcessor>.Instance);
    }

    private static EventProcessorPartitionOwnership Desired(TraceEventProcessor processor, string? version) => new()
    {
        FullyQualifiedNamespace = processor.FullyQualifiedNamespace,
        EventHubName = processor.EventHubName,
        ConsumerGroup = processor.ConsumerGroup,
        PartitionId = Partition,
        OwnerIdentifier = processor.Identifier,
        Version = version,
    };

    /// <summary>The position just after the event with this sequence number: where processing resumes.</summary>
    private static EventPosition After(long sequenceNumber) => EventPosition.FromOffset(Offset(sequenceNumber), isInclusive: false);

    private static string Offset(long sequenceNumber) => (sequenceNumber * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An Event Hubs event as the publisher makes it, as read back from a partition.</summary>
    private static EventData Body(long sequenceNumber, params TraceEvent[] events)
        => EventHubsModelFactory.EventData(
            new BinaryData(JsonSerializer.SerializeToUtf8Bytes(events, ShipSecJson.Options)),
            partitionKey: events[0].RunId,
            sequenceNumber: sequenceNumber,
            offsetString: Offset(sequenceNumber));

    private Task<long> CountEventsAsync(string runId)
        => _database.ScalarAsync<long>("SELECT count(*) FROM trace_events WHERE run_id = $1", runId);

    // As the schema's owner: the app's role may not create triggers.
    private async Task ExecuteAsync(string sql)
    {
        await using var owner = _database.Options.CreateOwnerDataSource();
        await using var command = owner.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Recording(List<TraceEvent> heard) : ITraceObserver
    {
        public ValueTask OnCommittedAsync(IReadOnlyList<TraceEvent> committed, CancellationToken cancellationToken = default)
        {
            heard.AddRange(committed);
            return ValueTask.CompletedTask;
        }
    }
}
