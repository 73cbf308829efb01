using System.Diagnostics;
using TraceEventType = ShipSec.Shared.Trace.TraceEventType;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.Bench;

/// <summary>
/// Events per second from <see cref="ITracePublisher"/> (the in-process publisher, consumer, collector and
/// PostgresTraceStore of the real host) to committed rows, beside a raw binary COPY of the same rows into a
/// clone of <c>trace_events</c> in a scratch schema: what PostgreSQL takes at most on this machine.
/// </summary>
internal sealed class IngestBench(IsolatedLocalHost host)
{
    /// <summary>Events per publish: what a busy node's trace writer hands over at once (it sends up to 512).</summary>
    public const int PublishBatch = 256;

    private readonly string _ceilingSchema = host.Schema + "_ceiling";

    /// <summary>Bytes allocated per event and peak working set of the last measured pass.</summary>
    public sealed record Pass(double EventsPerSecond, double AllocatedBytesPerEvent, long PeakWorkingSet);

    public async Task PrepareAsync()
    {
        await using var connection = await OpenAsync();
        await using var create = new NpgsqlCommand(
            $"""
            CREATE SCHEMA IF NOT EXISTS "{_ceilingSchema}";
            CREATE TABLE IF NOT EXISTS "{_ceilingSchema}".trace_events (LIKE "{host.Schema}".trace_events INCLUDING ALL);
            """, connection);
        await create.ExecuteNonQueryAsync();
    }

    public async Task DropAsync()
    {
        await using var connection = await OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_ceilingSchema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>The events of <paramref name="runs"/> runs, <paramref name="total"/> in all: log lines, every tenth a progress event (a payload).</summary>
    public static TraceEvent[][] MakeRuns(int runs, int total)
    {
        var perRun = total / runs;
        var started = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, runs).Select(_ =>
        {
            var runId = "bench-" + Guid.NewGuid().ToString("N");
            // As a node attempt writes them: every event names the attempt's span (README, Observability).
            var (traceId, spanId) = (ActivityTraceId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString());
            return Enumerable.Range(1, perRun).Select(i => i % 10 == 0
                ? new TraceEvent
                {
                    Id = TraceEventIds.NodeEvent(runId, "scan", 1, i), RunId = runId, NodeId = "scan", Attempt = 1,
                    Type = TraceEventType.NodeProgress, Timestamp = started.AddTicks(i),
                    Progress = new TraceProgress(i, perRun), Message = $"{i}/{perRun}", TraceId = traceId, SpanId = spanId,
                }
                : new TraceEvent
                {
                    Id = TraceEventIds.NodeEvent(runId, "scan", 1, i), RunId = runId, NodeId = "scan", Attempt = 1,
                    Type = TraceEventType.NodeLog, Timestamp = started.AddTicks(i),
                    Message = $"port {i % 65536}/tcp open, banner read in {i % 97} ms (line {i})", TraceId = traceId, SpanId = spanId,
                }).ToArray();
        })];
    }

    /// <summary>Publishes every run's events concurrently, each run in order in batches, as nodes do.</summary>
    public async Task<Pass> OursAsync(TraceEvent[][] runs)
    {
        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        var total = runs.Sum(r => r.Length);
        return await MeasureAsync(total, () => Task.WhenAll(runs.Select(events => PublishInOrderAsync(publisher, events))),
            () => CountAsync($"\"{host.Schema}\".trace_events", runs));
    }

    /// <summary>
    /// Publishes one run's events in batches of <see cref="PublishBatch"/> as a node's trace writer does: in
    /// order, with as many publishes in flight as the transport keeps in order.
    /// </summary>
    public static async Task PublishInOrderAsync(ITracePublisher publisher, TraceEvent[] events)
    {
        var window = Math.Max(1, publisher.OrderedPublishesInFlight);
        var inFlight = new Queue<Task>(window);
        for (var offset = 0; offset < events.Length; offset += PublishBatch)
        {
            if (inFlight.Count == window)
            {
                await inFlight.Dequeue();
            }

            inFlight.Enqueue(publisher.PublishAsync(new ArraySegment<TraceEvent>(events, offset, Math.Min(PublishBatch, events.Length - offset))));
        }

        await Task.WhenAll(inFlight);
    }

    /// <summary>One binary COPY per run on its own (already open) connection, all runs at once.</summary>
    public async Task<Pass> CeilingAsync(TraceEvent[][] runs)
    {
        var rows = runs.Select(events => events.Select((e, i) => (Event: e, Sequence: i + 1L,
            Payload: e.Progress is null ? null : JsonSerializer.Serialize(new { progress = e.Progress }, ShipSecJson.Options))).ToArray()).ToArray();
        var connections = await Task.WhenAll(runs.Select(_ => OpenAsync()));
        try
        {
            // Not emptied between passes: the clone receives the same rows as the host's table, pass by pass,
            // so both COPY into indexes of the same size (an emptied table's small indexes flattered the ceiling).
            var table = $"\"{_ceilingSchema}\".trace_events";

            var copy = $"COPY {table} (run_id, sequence, id, node_id, attempt, type, level, ts, message, payload, trace_id, span_id) FROM STDIN (FORMAT BINARY)";
            return await MeasureAsync(rows.Sum(r => r.Length), () => Task.WhenAll(rows.Select(async (run, index) =>
            {
                await using var importer = await connections[index].BeginBinaryImportAsync(copy);
                foreach (var (e, sequence, payload) in run)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync(e.RunId, NpgsqlDbType.Text);
                    await importer.WriteAsync(sequence, NpgsqlDbType.Bigint);
                    await importer.WriteAsync(e.Id, NpgsqlDbType.Text);
                    await importer.WriteAsync(e.NodeId!, NpgsqlDbType.Text);
                    await importer.WriteAsync(e.Attempt, NpgsqlDbType.Integer);
                    await importer.WriteAsync(e.Type == TraceEventType.NodeLog ? "NODE_LOG" : "NODE_PROGRESS", NpgsqlDbType.Text);
                    await importer.WriteAsync("info", NpgsqlDbType.Text);
                    await importer.WriteAsync(e.Timestamp, NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(e.Message!, NpgsqlDbType.Text);
                    if (payload is null)
                    {
                        await importer.WriteNullAsync();
                    }
                    else
                    {
                        await importer.WriteAsync(payload, NpgsqlDbType.Jsonb);
                    }

                    await importer.WriteAsync(e.TraceId!, NpgsqlDbType.Text);
                    await importer.WriteAsync(e.SpanId!, NpgsqlDbType.Text);
                }

                await importer.CompleteAsync();
            })), () => CountAsync(table, runs));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<Pass> MeasureAsync(int total, Func<Task> ingest, Func<Task<long>> count)
    {
        var memory = PeakMemory.Start();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await ingest();
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await memory.DisposeAsync();

        var stored = await count();
        if (stored != total)
        {
            throw new InvalidOperationException($"Ingest committed {stored} of {total} events.");
        }

        return new Pass(total / elapsed.TotalSeconds, (double)allocated / total, memory.WorkingSet);
    }

    private static async Task<long> CountAsync(string table, TraceEvent[][] runs)
    {
        // The owner: it can read the ceiling's own schema as well as the host's.
        await using var connection = new NpgsqlConnection(IsolatedLocalHost.PostgresOwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE run_id = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. runs.Select(r => r[0].RunId)] });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<NpgsqlConnection> OpenAsync()
    {
        // The owner: the raw-COPY baseline creates its own table beside the host's.
        var connection = new NpgsqlConnection(IsolatedLocalHost.PostgresOwnerConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
