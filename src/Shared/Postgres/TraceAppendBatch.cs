using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// One append's events as <see cref="PostgresTraceStore"/> stores them (see <see cref="TraceEventColumns.ForStorage"/>),
/// in batch order, before they are numbered. Built in one pass without per-event collections, because it
/// is on the path of every trace event.
/// </summary>
internal sealed class TraceAppendBatch
{
    private readonly TraceEvent[] _events;
    private readonly string?[] _payloads;

    private TraceAppendBatch(TraceEvent[] events, string?[] payloads, string[] runs)
    {
        _events = events;
        _payloads = payloads;
        Runs = runs;
    }

    /// <summary>The distinct runs of the batch.</summary>
    public string[] Runs { get; }

    public static TraceAppendBatch Of(IReadOnlyList<TraceEvent> events)
    {
        var count = events.Count;
        var stored = new TraceEvent[count];
        var payloads = new string?[count];
        var runs = new HashSet<string>(StringComparer.Ordinal);
        string? lastRun = null;
        for (var i = 0; i < count; i++)
        {
            (stored[i], payloads[i]) = TraceEventColumns.ForStorage(events[i] ?? throw new ArgumentException("The batch holds a null event.", nameof(events)));
            var runId = stored[i].RunId;
            // A batch is mostly one run: only a change of run costs a lookup.
            if (!string.Equals(runId, lastRun, StringComparison.Ordinal))
            {
                runs.Add(runId);
                lastRun = runId;
            }
        }

        return new TraceAppendBatch(stored, payloads, [.. runs]);
    }

    /// <summary>Every event's id, in batch order.</summary>
    public string[] Ids() => Array.ConvertAll(_events, e => e.Id);

    /// <summary>
    /// The events numbered on from each run's locked <paramref name="counters"/> (its last stored sequence),
    /// in batch order, leaving out the <paramref name="known"/> ids and, when <paramref name="leaveOutRepeats"/>,
    /// every copy of an id after its first.
    /// </summary>
    public NumberedTraceBatch Number(IReadOnlyDictionary<string, long> counters, IReadOnlySet<string>? known, bool leaveOutRepeats)
    {
        var next = new Dictionary<string, long>(counters, StringComparer.Ordinal);
        var seen = leaveOutRepeats ? new HashSet<string>(_events.Length, StringComparer.Ordinal) : null;
        var events = new List<TraceEvent>(_events.Length);
        var payloads = new List<string?>(_events.Length);
        string? lastRun = null;
        var last = 0L;
        for (var i = 0; i < _events.Length; i++)
        {
            var traceEvent = _events[i];
            if ((known is not null && known.Contains(traceEvent.Id)) || (seen is not null && !seen.Add(traceEvent.Id)))
            {
                continue;
            }

            var runId = traceEvent.RunId;
            if (!string.Equals(runId, lastRun, StringComparison.Ordinal))
            {
                if (lastRun is not null)
                {
                    next[lastRun] = last;
                }

                last = next.TryGetValue(runId, out var counter)
                    ? counter
                    : throw new InvalidOperationException($"The sequence counter of run {runId} was not locked.");
                lastRun = runId;
            }

            events.Add(traceEvent with { Sequence = ++last });
            payloads.Add(_payloads[i]);
        }

        if (lastRun is not null)
        {
            next[lastRun] = last;
        }

        return new NumberedTraceBatch(events, payloads, next);
    }
}
