using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ShipSec.Shared.Realtime;
using ShipSec.Shared.Tests.Postgres;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.Trace;

public sealed class InProcessTraceTests(PostgresSchemaFixture database) : IClassFixture<PostgresSchemaFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Publish_completes_only_once_the_events_are_in_postgres()
    {
        using var host = await StartHostAsync();
        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var runId = TraceEvents.NewRunId();

        for (var i = 1; i <= 20; i++)
        {
            await publisher.PublishAsync([TraceEvents.Log(runId, "scan", i)]).WaitAsync(Deadline);

            // Read through a separate connection: the batch is committed, not merely queued.
            Assert.Equal((long)i, await database.ScalarAsync<long>("SELECT count(*) FROM trace_events WHERE run_id = $1", runId));
        }

        await host.StopAsync();
    }

    [Fact]
    public async Task Many_concurrent_publishers_all_land_gaplessly()
    {
        using var host = await StartHostAsync();
        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var runId = TraceEvents.NewRunId();
        const int publishers = 32;
        const int batches = 25;

        await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            for (var b = 0; b < batches; b++)
            {
                await publisher.PublishAsync([TraceEvents.Log(runId, $"n{p}", 2 * b), TraceEvents.Log(runId, $"n{p}", (2 * b) + 1)]);
            }
        }))).WaitAsync(Deadline);

        const int expected = publishers * batches * 2;
        Assert.Equal((long)expected, await database.ScalarAsync<long>("SELECT count(DISTINCT id) FROM trace_events WHERE run_id = $1", runId));
        Assert.Equal((long)expected, await database.ScalarAsync<long>("SELECT max(sequence) FROM trace_events WHERE run_id = $1", runId));
        await host.StopAsync();
    }

    [Fact]
    public async Task Publishes_of_one_run_kept_in_flight_together_are_stored_in_the_order_they_were_made()
    {
        using var host = await StartHostAsync();
        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var runId = TraceEvents.NewRunId();
        Assert.True(publisher.OrderedPublishesInFlight > 1);

        // As a node's trace writer does: the next batch is handed over before the previous one committed.
        var inFlight = Enumerable.Range(0, 200).Select(b => publisher.PublishAsync([TraceEvents.Log(runId, "scan", 2 * b), TraceEvents.Log(runId, "scan", (2 * b) + 1)])).ToList();
        await Task.WhenAll(inFlight).WaitAsync(Deadline);

        var outOfOrder = await database.ScalarAsync<long>(
            """
            SELECT count(*) FROM (
              SELECT message, lag(message) OVER (ORDER BY sequence) AS previous FROM trace_events WHERE run_id = $1) t
            WHERE previous IS NOT NULL AND split_part(message, ' ', 2)::int <= split_part(previous, ' ', 2)::int
            """, runId);
        Assert.Equal(400L, await database.ScalarAsync<long>("SELECT count(*) FROM trace_events WHERE run_id = $1", runId));
        Assert.Equal(0L, outOfOrder);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_batch_of_several_runs_is_acknowledged_once_every_run_is_stored()
    {
        using var host = await StartHostAsync();
        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var runs = Enumerable.Range(0, 12).Select(_ => TraceEvents.NewRunId()).ToList();

        await publisher.PublishAsync([.. runs.SelectMany(run => Enumerable.Range(1, 5).Select(i => TraceEvents.Log(run, "scan", i)))]).WaitAsync(Deadline);

        foreach (var run in runs)
        {
            Assert.Equal(5L, await database.ScalarAsync<long>("SELECT max(sequence) FROM trace_events WHERE run_id = $1", run));
        }

        await host.StopAsync();
    }

    [Fact]
    public async Task Observers_hear_of_committed_events_and_a_failing_observer_does_not_fail_the_publisher()
    {
        var seen = new ConcurrentQueue<(TraceEvent Event, long VisibleRows)>();
        using var host = await StartHostAsync(services =>
        {
            services.AddSingleton<ITraceObserver>(new ThrowingObserver());
            services.AddSingleton<ITraceObserver>(new RecordingObserver(database, seen));
        });
        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var runId = TraceEvents.NewRunId();
        var batch = new[] { TraceEvents.Log(runId, "scan", 1), TraceEvents.Log(runId, "scan", 2) };

        await publisher.PublishAsync(batch).WaitAsync(Deadline);
        await publisher.PublishAsync(batch).WaitAsync(Deadline);

        // Told once (the redelivery adds nothing), with sequences, after the rows were visible.
        Assert.Equal([(batch[0].Id, 1L, 2L), (batch[1].Id, 2L, 2L)], seen.Select(x => (x.Event.Id, x.Event.Sequence, x.VisibleRows)));
        await host.StopAsync();
    }

    [Fact]
    public async Task Realtime_messages_are_sent_only_once_their_events_are_committed()
    {
        // The real collector and realtime observer; the send itself looks, from another connection, at what is
        // committed at that moment. A collector that notified before its commit would send rows nobody can read yet.
        var sends = new ConcurrentQueue<(long LastSequence, long Committed)>();
        using var host = await StartHostAsync(services =>
        {
            services.AddSingleton<IRealtime>(new CommitCheckingRealtime(database, sends));
            services.Configure<RealtimeOptions>(o => o.Provider = RealtimeProvider.Local);
            services.AddSingleton<ITraceObserver, RealtimeTraceObserver>();
        });
        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var runId = TraceEvents.NewRunId();

        for (var batch = 0; batch < 5; batch++)
        {
            await publisher.PublishAsync(Enumerable.Range((batch * 20) + 1, 20).Select(i => TraceEvents.Log(runId, "scan", i)).ToList()).WaitAsync(Deadline);
        }

        Assert.Equal(100L, sends.Max(s => s.LastSequence));
        Assert.All(sends, s => Assert.True(s.Committed >= s.LastSequence, $"sent up to sequence {s.LastSequence} while {s.Committed} rows were committed"));
        await host.StopAsync();
    }

    [Fact]
    public async Task Stopping_the_host_collects_what_was_already_queued()
    {
        var host = await StartHostAsync();
        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var runId = TraceEvents.NewRunId();

        // Not awaited: these are queued while the host is told to stop.
        var published = Enumerable.Range(1, 200).Select(i => publisher.PublishAsync([TraceEvents.Log(runId, "scan", i)])).ToArray();
        await host.StopAsync().WaitAsync(Deadline);
        await Task.WhenAll(published).WaitAsync(Deadline);
        host.Dispose();

        Assert.Equal(200L, await database.ScalarAsync<long>("SELECT count(*) FROM trace_events WHERE run_id = $1", runId));
        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync([TraceEvents.Log(runId, "scan", 999)]));
    }

    [Fact]
    public async Task A_batch_the_store_rejects_faults_only_its_own_publisher()
    {
        using var host = await StartHostAsync();
        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var runId = TraceEvents.NewRunId();
        var bad = TraceEvents.Log(runId, "scan", 0) with { Type = (TraceEventType)99 };

        var good = Enumerable.Range(1, 50).Select(i => publisher.PublishAsync([TraceEvents.Log(runId, "scan", i)])).ToArray();
        var rejected = publisher.PublishAsync([bad]);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => rejected.WaitAsync(Deadline));
        await Task.WhenAll(good).WaitAsync(Deadline);
        Assert.Equal(50L, await database.ScalarAsync<long>("SELECT count(*) FROM trace_events WHERE run_id = $1", runId));
        await host.StopAsync();
    }

    private async Task<IHost> StartHostAsync(Action<IServiceCollection>? configure = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = PostgresSchemaFixture.ConnectionString,
            ["Postgres:OwnerConnectionString"] = PostgresSchemaFixture.OwnerConnectionString,
            ["Postgres:Schema"] = database.Schema,
        });
        builder.Services.AddShipSecPostgres().AddShipSecInProcessTrace();
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync().WaitAsync(Deadline);
        return host;
    }

    private sealed class CommitCheckingRealtime(PostgresSchemaFixture database, ConcurrentQueue<(long, long)> sends) : IRealtime
    {
        public async Task SendToGroupAsync(string group, string target, object payload, CancellationToken cancellationToken = default)
        {
            if (payload is TraceEventsMessage message)
            {
                var committed = await database.ScalarAsync<long>("SELECT count(*) FROM trace_events WHERE run_id = $1", message.RunId);
                sends.Enqueue((message.Events.Max(e => e.Sequence), committed));
            }
        }

        public Task AddUserToGroupAsync(string userId, string group, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task RemoveUserFromGroupAsync(string userId, string group, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<NegotiateResult> NegotiateAsync(Uri requestOrigin, RealtimeGrant grant, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public RealtimeGrant? ReadGrant(string accessToken) => null;
    }

    private sealed class ThrowingObserver : ITraceObserver
    {
        public ValueTask OnCommittedAsync(IReadOnlyList<TraceEvent> committed, CancellationToken cancellationToken = default)
            => throw new InvalidOperationException("realtime is down");
    }

    private sealed class RecordingObserver(PostgresSchemaFixture database, ConcurrentQueue<(TraceEvent, long)> seen) : ITraceObserver
    {
        public async ValueTask OnCommittedAsync(IReadOnlyList<TraceEvent> committed, CancellationToken cancellationToken = default)
        {
            var visible = await database.ScalarAsync<long>("SELECT count(*) FROM trace_events WHERE run_id = $1", committed[0].RunId);
            foreach (var traceEvent in committed)
            {
                seen.Enqueue((traceEvent, visible));
            }
        }
    }
}
