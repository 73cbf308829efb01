using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// One append's events as the column arrays <see cref="PostgresTraceStore"/> sends: as stored (see
/// <see cref="TraceEventColumns.ForStorage"/>), in batch order, each id once (its first copy), with each
/// event's rank among its run's events. Built in one pass without per-event collections, because it is on
/// the path of every trace event.
/// </summary>
internal sealed class TraceAppendBatch
{
    private readonly TraceEvent[] _events;
    private readonly string?[] _payloads;
    private readonly int[] _ranks;

    private TraceAppendBatch(TraceEvent[] events, string?[] payloads, int[] ranks, string[] runs, bool hasLifecycle)
    {
        _events = events;
        _payloads = payloads;
        _ranks = ranks;
        Runs = runs;
        HasLifecycle = hasLifecycle;
    }

    /// <summary>The distinct runs of the batch.</summary>
    public string[] Runs { get; }

    /// <summary>Whether an event changes a node's or the run's summary (most batches are log lines alone).</summary>
    public bool HasLifecycle { get; }

    public static TraceAppendBatch Of(IReadOnlyList<TraceEvent> events)
    {
        var count = events.Count;
        var stored = new TraceEvent[count];
        var payloads = new string?[count];
        var ranks = new int[count];
        var ids = new HashSet<string>(count, StringComparer.Ordinal);
        var runs = new RunCounter();
        var hasLifecycle = false;
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            var (traceEvent, payload) = TraceEventColumns.ForStorage(events[i] ?? throw new ArgumentException("The batch holds a null event.", nameof(events)));
            if (!ids.Add(traceEvent.Id))
            {
                continue;
            }

            stored[kept] = traceEvent;
            payloads[kept] = payload;
            ranks[kept] = runs.Next(traceEvent.RunId);
            hasLifecycle |= IsLifecycle(traceEvent);
            kept++;
        }

        if (kept < count)
        {
            Array.Resize(ref stored, kept);
            Array.Resize(ref payloads, kept);
            Array.Resize(ref ranks, kept);
        }

        return new TraceAppendBatch(stored, payloads, ranks, runs.Runs(), hasLifecycle);
    }

    /// <summary>The insert statement over this batch's columns: <c>$1 id … $10 rank</c>, and <c>$11</c> <paramref name="withKnownIds"/>.</summary>
    public NpgsqlBatchCommand InsertCommand(string sql, bool withKnownIds)
    {
        var count = _events.Length;
        var id = new string[count];
        var runId = new string[count];
        var nodeId = new string?[count];
        var attempt = new int[count];
        var type = new string[count];
        var level = new string[count];
        var ts = new DateTimeOffset[count];
        var message = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var e = _events[i];
            id[i] = e.Id;
            runId[i] = e.RunId;
            nodeId[i] = e.NodeId;
            attempt[i] = e.Attempt;
            type[i] = TraceEventColumns.TypeName(e.Type);
            level[i] = TraceEventColumns.LevelName(e.Level);
            // timestamptz only takes UTC offsets.
            ts[i] = e.Timestamp.ToUniversalTime();
            message[i] = e.Message;
        }

        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(Texts(id));
        command.Parameters.Add(Texts(runId));
        command.Parameters.Add(Texts(nodeId));
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = attempt });
        command.Parameters.Add(Texts(type));
        command.Parameters.Add(Texts(level));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = ts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(Texts(message));
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = _payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = _ranks });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = withKnownIds });
        return command;
    }

    /// <summary>
    /// The events that were new, in batch order, each numbered from its run's <paramref name="bases"/> as the
    /// insert numbered it: the run's new events one after another, skipping the <paramref name="known"/> ids.
    /// </summary>
    public IReadOnlyList<TraceEvent> Numbered(IReadOnlyDictionary<string, long> bases, IReadOnlySet<string>? known)
    {
        var numbered = new List<TraceEvent>(_events.Length - (known?.Count ?? 0));
        var runs = new RunCounter();
        foreach (var traceEvent in _events)
        {
            if (known is not null && known.Contains(traceEvent.Id))
            {
                continue;
            }

            var runId = traceEvent.RunId;
            if (!bases.TryGetValue(runId, out var first))
            {
                throw new InvalidOperationException($"The trace store returned no sequence for run {runId}.");
            }

            numbered.Add(traceEvent with { Sequence = first + runs.Next(runId) });
        }

        return numbered;
    }

    private static bool IsLifecycle(TraceEvent traceEvent) => traceEvent.Type switch
    {
        TraceEventType.NodeStarted or TraceEventType.NodeCompleted or TraceEventType.NodeFailed or TraceEventType.NodeSkipped
            => traceEvent.NodeId is not null,
        TraceEventType.WorkflowStatus => true,
        _ => false,
    };

    private static NpgsqlParameter<string?[]> Texts(string?[] values)
        => new() { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary>Counts events per run; a batch is mostly one run, so the last run is kept at hand.</summary>
    private sealed class RunCounter
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
        private string? _lastRun;
        private int _lastCount;

        /// <summary>The 1-based number of this event among its run's.</summary>
        public int Next(string runId)
        {
            if (_lastRun is not null && (ReferenceEquals(runId, _lastRun) || string.Equals(runId, _lastRun, StringComparison.Ordinal)))
            {
                return ++_lastCount;
            }

            if (_lastRun is not null)
            {
                _counts[_lastRun] = _lastCount;
            }

            _lastRun = runId;
            _lastCount = _counts.GetValueOrDefault(runId) + 1;
            return _lastCount;
        }

        public string[] Runs()
        {
            if (_lastRun is not null)
            {
                _counts[_lastRun] = _lastCount;
            }

            return [.. _counts.Keys];
        }
    }
}
