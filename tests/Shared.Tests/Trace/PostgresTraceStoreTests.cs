using System.Text.Json;
using Npgsql;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Postgres;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Tests.Postgres;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.Trace;

public sealed class PostgresTraceStoreTests(PostgresSchemaFixture database) : IClassFixture<PostgresSchemaFixture>
{
    private readonly PostgresTraceStore _store = new(database.DataSource);

    [Fact]
    public async Task Ids_sent_twice_repeated_in_a_batch_or_out_of_order_are_stored_once_with_a_gapless_sequence()
    {
        var runId = TraceEvents.NewRunId();
        var e = Enumerable.Range(1, 6).Select(i => TraceEvents.Log(runId, "scan", i)).ToArray();

        var first = await _store.AppendAsync([e[2], e[0], e[2], e[1], e[0]]);
        var second = await _store.AppendAsync([e[1], e[4], e[3], e[2], e[4], e[5]]);
        var third = await _store.AppendAsync([e[5], e[0]]);

        Assert.Equal([(e[2].Id, 1L), (e[0].Id, 2L), (e[1].Id, 3L)], first.Select(x => (x.Id, x.Sequence)));
        Assert.Equal([(e[4].Id, 4L), (e[3].Id, 5L), (e[5].Id, 6L)], second.Select(x => (x.Id, x.Sequence)));
        Assert.Empty(third);

        var page = await _store.ReadAsync(runId, 0, 100);
        Assert.Equal([1L, 2, 3, 4, 5, 6], page.Events.Select(x => x.Sequence));
        Assert.Equal([e[2].Id, e[0].Id, e[1].Id, e[4].Id, e[3].Id, e[5].Id], page.Events.Select(x => x.Id));
    }

    [Fact]
    public async Task Eight_concurrent_emitters_on_one_run_get_sequence_one_to_n_and_each_id_once()
    {
        const int emitters = 8;
        const int batches = 40;
        const int perBatch = 5;
        var runId = TraceEvents.NewRunId();

        async Task EmitAsync(int emitter)
        {
            var ordinal = 0L;
            TraceEvent[]? previous = null;
            for (var b = 0; b < batches; b++)
            {
                var batch = Enumerable.Range(0, perBatch).Select(_ => TraceEvents.Log(runId, $"node{emitter}", ordinal++)).ToArray();
                // Every third batch also redelivers the previous one, as a retried publish would.
                await _store.AppendAsync(b % 3 == 2 && previous is not null ? [.. previous, .. batch] : batch);
                previous = batch;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, emitters).Select(i => Task.Run(() => EmitAsync(i)))).WaitAsync(TimeSpan.FromMinutes(2));

        var events = await ReadAllAsync(runId);
        const int expected = emitters * batches * perBatch;
        Assert.Equal(Enumerable.Range(1, expected).Select(i => (long)i), events.Select(x => x.Sequence));
        Assert.Equal(expected, events.Select(x => x.Id).Distinct().Count());
        // Each emitter's own events keep the order it sent them in.
        foreach (var node in events.GroupBy(x => x.NodeId))
        {
            var ordinals = node.Select(x => long.Parse(x.Id[(x.Id.LastIndexOf('e') + 1)..])).ToArray();
            Assert.Equal(ordinals.Order(), ordinals);
        }
    }

    [Fact]
    public async Task Concurrent_batches_spanning_several_runs_in_any_order_neither_deadlock_nor_leave_gaps()
    {
        var runs = Enumerable.Range(0, 4).Select(_ => TraceEvents.NewRunId()).ToArray();
        const int emitters = 8;
        const int batches = 30;

        async Task EmitAsync(int emitter)
        {
            for (var b = 0; b < batches; b++)
            {
                // Each batch touches the runs in a different order, the classic recipe for a lock cycle.
                var rotated = Enumerable.Range(0, runs.Length).Select(i => runs[(i + b + emitter) % runs.Length]);
                var order = emitter % 2 == 0 ? rotated : rotated.Reverse();
                await _store.AppendAsync(order.Select(run => TraceEvents.Log(run, $"n{emitter}", b)).ToArray());
            }
        }

        await Task.WhenAll(Enumerable.Range(0, emitters).Select(i => Task.Run(() => EmitAsync(i)))).WaitAsync(TimeSpan.FromMinutes(2));

        foreach (var run in runs)
        {
            var events = await ReadAllAsync(run);
            Assert.Equal(Enumerable.Range(1, emitters * batches).Select(i => (long)i), events.Select(x => x.Sequence));
            Assert.Equal(emitters * batches, events.Select(x => x.Id).Distinct().Count());
        }
    }

    [Fact]
    public async Task Appending_in_a_callers_transaction_commits_or_rolls_back_with_it_and_a_rollback_returns_the_numbers()
    {
        var runId = TraceEvents.NewRunId();
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var appended = await _store.AppendAsync(transaction, [TraceEvents.Log(runId, "n", 1), TraceEvents.Log(runId, "n", 2)]);
            Assert.Equal([1L, 2], appended.Select(x => x.Sequence));
            await transaction.RollbackAsync();
        }

        Assert.Empty((await _store.ReadAsync(runId, 0, 10)).Events);

        await using (var connection = await database.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var first = await _store.AppendAsync(transaction, [TraceEvents.Log(runId, "n", 3)]);
            var second = await _store.AppendAsync(transaction, [TraceEvents.Log(runId, "n", 3), TraceEvents.Log(runId, "n", 4)]);
            await transaction.CommitAsync();
            Assert.Equal([1L, 2], first.Concat(second).Select(x => x.Sequence));
        }

        Assert.Equal([1L, 2], (await _store.ReadAsync(runId, 0, 10)).Events.Select(x => x.Sequence));
    }

    [Fact]
    public async Task An_append_cancelled_while_another_writer_holds_its_run_stores_nothing_and_leaves_the_numbering_gapless()
    {
        var runId = TraceEvents.NewRunId();
        await _store.AppendAsync([TraceEvents.Log(runId, "n", 1)]);

        await using var holder = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT last FROM run_sequences WHERE run_id = $1 FOR UPDATE", holder, transaction))
        {
            hold.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
            await hold.ExecuteScalarAsync();
        }

        using var cancel = new CancellationTokenSource();
        var blocked = _store.AppendAsync([TraceEvents.Log(runId, "n", 2)], cancel.Token);
        await WaitUntilBlockedByAsync(holder.ProcessID, TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        await transaction.RollbackAsync();

        // The cancelled append's connection went back to the pool inside its transaction; the next ones must
        // neither see its event nor inherit its transaction.
        for (var ordinal = 2; ordinal <= 4; ordinal++)
        {
            Assert.Equal(ordinal, (await _store.AppendAsync([TraceEvents.Log(runId, "n", ordinal)])).Single().Sequence);
        }

        Assert.Equal([1L, 2, 3, 4], (await ReadAllAsync(runId)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task One_batch_numbers_each_run_on_its_own()
    {
        var a = TraceEvents.NewRunId();
        var b = TraceEvents.NewRunId();

        var appended = await _store.AppendAsync([TraceEvents.Log(a, "n", 1), TraceEvents.Log(b, "n", 1), TraceEvents.Log(a, "n", 2)]);

        Assert.Equal([(a, 1L), (b, 1L), (a, 2L)], appended.Select(x => (x.RunId, x.Sequence)));
    }

    [Fact]
    public async Task A_redelivered_batch_of_two_runs_with_new_events_between_the_known_ones_numbers_each_run_without_gaps()
    {
        var a = TraceEvents.NewRunId();
        var b = TraceEvents.NewRunId();
        var ea = Enumerable.Range(1, 5).Select(i => TraceEvents.Log(a, "n", i)).ToArray();
        var eb = Enumerable.Range(1, 5).Select(i => TraceEvents.Log(b, "n", i)).ToArray();
        await _store.AppendAsync([ea[1], eb[0], ea[3], eb[3]]);

        var appended = await _store.AppendAsync([ea[0], eb[0], ea[1], eb[1], ea[2], eb[2], ea[3], eb[3], ea[4], eb[4]]);

        Assert.Equal(
            [(ea[0].Id, 3L), (eb[1].Id, 3L), (ea[2].Id, 4L), (eb[2].Id, 4L), (ea[4].Id, 5L), (eb[4].Id, 5L)],
            appended.Select(x => (x.Id, x.Sequence)));
        foreach (var (run, expected) in new[] { (a, new[] { ea[1], ea[3], ea[0], ea[2], ea[4] }), (b, new[] { eb[0], eb[3], eb[1], eb[2], eb[4] }) })
        {
            var stored = (await _store.ReadAsync(run, 0, 10)).Events;
            Assert.Equal(expected.Select((e, i) => (e.Id, i + 1L)), stored.Select(x => (x.Id, x.Sequence)));
        }
    }

    [Fact]
    public async Task Reading_pages_by_cursor_reports_whether_more_follow()
    {
        var runId = TraceEvents.NewRunId();
        await _store.AppendAsync(Enumerable.Range(1, 7).Select(i => TraceEvents.Log(runId, "probe", i)).ToArray());

        var first = await _store.ReadAsync(runId, 0, 3);
        var second = await _store.ReadAsync(runId, first.NextCursor, 3);
        var third = await _store.ReadAsync(runId, second.NextCursor, 3);
        var beyond = await _store.ReadAsync(runId, third.NextCursor, 3);
        var exact = await _store.ReadAsync(runId, 4, 3);

        Assert.Equal(("1,2,3", 3L, true), Shape(first));
        Assert.Equal(("4,5,6", 6L, true), Shape(second));
        Assert.Equal(("7", 7L, false), Shape(third));
        Assert.Equal(("", 7L, false), Shape(beyond));
        Assert.Equal(("5,6,7", 7L, false), Shape(exact));
        Assert.Equal(("", 0L, false), Shape(await _store.ReadAsync(TraceEvents.NewRunId(), 0, 10)));
    }

    [Fact]
    public async Task Every_member_of_an_event_reads_back_as_written()
    {
        var runId = TraceEvents.NewRunId();
        var artifact = new ArtifactReference
        {
            ArtifactId = "a1", Name = "ports.json", ContentType = "application/json", Size = 42,
            Sha256 = new string('a', 64), Container = "artifacts", BlobName = $"{runId}/scan/a1",
        };
        using var summary = JsonDocument.Parse("""{"openPorts":[22,443],"host":"example.org"}""");
        var written = new[]
        {
            TraceEvents.Status(runId, RunStatus.Running, 1),
            TraceEvents.Log(runId, "scan", 1, "hello") with { Level = TraceEventLevel.Warn, Timestamp = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 123, TimeSpan.FromHours(2)) },
            TraceEvents.Log(runId, "scan", 2) with { Type = TraceEventType.NodeProgress, Progress = new TraceProgress(3, 10), Message = null },
            TraceEvents.Log(runId, "scan", 3) with { Type = TraceEventType.NodeArtifact, Artifact = artifact },
            TraceEvents.Completed(runId, "scan", 1, 5) with { OutputSummary = summary.RootElement.Clone() },
            TraceEvents.Failed(runId, "report", 2, 6, willRetry: true, "disk full"),
        };

        await _store.AppendAsync(written);
        var read = (await _store.ReadAsync(runId, 0, 10)).Events;

        Assert.Equal(written.Length, read.Count);
        for (var i = 0; i < written.Length; i++)
        {
            var expected = written[i] with { Sequence = i + 1, Timestamp = written[i].Timestamp.ToUniversalTime(), OutputSummary = null };
            Assert.Equal(expected, read[i] with { OutputSummary = null });
        }

        // jsonb keeps the value, not the formatting or key order.
        Assert.True(JsonElement.DeepEquals(summary.RootElement, read[4].OutputSummary!.Value));
    }

    [Fact]
    public async Task A_nul_character_anywhere_in_an_event_is_stored_without_failing_the_batch()
    {
        var runId = TraceEvents.NewRunId();
        using var summary = JsonDocument.Parse("""{"raw":"a\u0000b","literal":"c\\u0000d"}""");
        var events = new[]
        {
            TraceEvents.Log(runId, "scan", 1, "before\0after"),
            TraceEvents.Failed(runId, "scan", 1, 2, willRetry: false, "bad\0byte") with { OutputSummary = summary.RootElement.Clone() },
        };

        var appended = await _store.AppendAsync(events);
        var read = (await _store.ReadAsync(runId, 0, 10)).Events;

        Assert.Equal(2, appended.Count);
        Assert.Equal("beforeafter", read[0].Message);
        Assert.Equal("badbyte", read[1].Error?.Message);
        Assert.Equal("ab", read[1].OutputSummary?.GetProperty("raw").GetString());
        Assert.Equal("c\\u0000d", read[1].OutputSummary?.GetProperty("literal").GetString());
        Assert.Equal(read.Select(x => x.Message), appended.Select(x => x.Message));
    }

    [Fact]
    public async Task Events_of_a_run_that_was_never_created_are_still_kept()
    {
        var runId = TraceEvents.NewRunId();

        var appended = await _store.AppendAsync([TraceEvents.Status(runId, RunStatus.Running, 1), TraceEvents.Started(runId, "a", 1, 2)]);

        Assert.Equal([1L, 2], appended.Select(x => x.Sequence));
        Assert.Equal(2, (await _store.ReadAsync(runId, 0, 10)).Events.Count);
        Assert.Null(await new PostgresRunStore(database.DataSource).GetAsync(runId));
    }

    private static (string Sequences, long NextCursor, bool HasMore) Shape(TracePage page)
        => (string.Join(",", page.Events.Select(x => x.Sequence)), page.NextCursor, page.HasMore);

    private async Task WaitUntilBlockedByAsync(int holderPid, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = holderPid });
        while ((long)(await command.ExecuteScalarAsync(timeout.Token))! == 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }

    private async Task<List<TraceEvent>> ReadAllAsync(string runId)
    {
        var events = new List<TraceEvent>();
        var cursor = 0L;
        TracePage page;
        do
        {
            page = await _store.ReadAsync(runId, cursor, 500);
            events.AddRange(page.Events);
            cursor = page.NextCursor;
        }
        while (page.HasMore);

        return events;
    }
}
