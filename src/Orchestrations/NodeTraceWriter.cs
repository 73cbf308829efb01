using ActivityContext = System.Diagnostics.ActivityContext;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>
/// The trace of one node attempt. Components write to it without waiting (<see cref="Emit"/>); a single
/// pump forwards events in order to the <see cref="ITracePublisher"/> in batches while the node runs, and
/// <see cref="CompleteAsync"/> returns only when every event has been acknowledged, so a node's events are
/// flushed before its activity returns. Event ids are derived from run, node, attempt, this execution's nonce
/// and an ordinal, so a resent batch keeps its ids and the store keeps one copy, while a redelivered
/// activity writes beside the first delivery instead of being taken for it.
/// Every message is sanitised, truncated to the configured length and stripped of secret input values;
/// log and progress events beyond the per-node rate are held back and replaced by one warning event that
/// says how many were dropped (the latest progress is kept and sent once the rate allows).
/// While the transport cannot take events (the trace store is down), they wait in a <see cref="TraceSpool"/>:
/// in memory, then on disk, within the <see cref="TraceLimitsOptions"/> bounds; what those bounds make it drop is
/// counted and said in a warning event, and lifecycle events are always kept. A batch the transport refuses is
/// handed over again, in order, for up to <see cref="TraceLimitsOptions.MaxDeliveryOutageSeconds"/>.
/// </summary>
public sealed class NodeTraceWriter : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private readonly TraceSpool pending;
    private readonly Channel<bool> wakeUp = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ITracePublisher publisher;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly Task pump;
    private readonly TraceLimitsOptions limits;
    private readonly Lock gate = new();
    private long ordinal;
    private double tokens;
    private long refilledAt;
    private long dropped;
    private long unreported;
    private long lostToBuffer;
    private readonly string? traceId;
    private readonly string? spanId;
    private bool completed;
    private TraceEvent? heldProgress;

    /// <summary>
    /// Starts the pump for one attempt. Every event it creates names <paramref name="span"/> (the attempt's span) as the
    /// span that emitted it, when there is one.
    /// </summary>
    public NodeTraceWriter(
        ITracePublisher publisher, TimeProvider clock, ILogger logger, TraceLimitsOptions limits, string runId, string nodeId, int attempt,
        string? execution = null, ActivityContext span = default)
    {
        if (span != default)
        {
            traceId = span.TraceId.ToHexString();
            spanId = span.SpanId.ToHexString();
        }

        Execution = execution ?? TraceEventIds.NewExecution();
        this.publisher = publisher ?? throw new ArgumentNullException(nameof(publisher));
        this.clock = clock ?? throw new ArgumentNullException(nameof(clock));
        this.logger = logger ?? throw new ArgumentNullException(nameof(logger));
        this.limits = limits ?? throw new ArgumentNullException(nameof(limits));
        tokens = limits.MaxEventsPerSecondPerNode;
        refilledAt = clock.GetTimestamp();
        pending = new TraceSpool(limits);
        RunId = runId;
        NodeId = nodeId;
        Attempt = attempt;
        pump = Task.Run(PumpAsync);
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>The node.</summary>
    public string NodeId { get; }

    /// <summary>The attempt.</summary>
    public int Attempt { get; }

    /// <summary>
    /// The nonce of this execution of the attempt's activity, part of its event ids: a redelivered activity
    /// (after a worker stopped mid-attempt) writes under ids of its own, however far the consumer lags.
    /// </summary>
    public string Execution { get; }

    /// <summary>Secret values masked in everything this attempt writes.</summary>
    public SecretRedactor Secrets { get; } = new();

    /// <summary>How many log and progress events the rate limit has dropped so far.</summary>
    public long DroppedCount
    {
        get
        {
            lock (gate)
            {
                return dropped;
            }
        }
    }

    /// <summary>How many events the buffer bounds have dropped so far (the transport could not take them in time).</summary>
    public long LostToBufferCount
    {
        get
        {
            lock (gate)
            {
                return lostToBuffer;
            }
        }
    }

    /// <summary>Reserves the next ordinal of this attempt (for event ids and artifact ids).</summary>
    public long NextOrdinal() => Interlocked.Increment(ref ordinal);

    /// <summary>A lifecycle event (started, completed, failed) of this attempt with its derived id.</summary>
    public TraceEvent Lifecycle(TraceEventType type, TraceEventLevel level)
        => Create(TraceEventIds.NodeLifecycle(RunId, NodeId, Attempt, type, Execution), type, level);

    /// <summary>A log, progress or artifact event of this attempt with the next ordinal id.</summary>
    public TraceEvent Next(TraceEventType type, TraceEventLevel level) => At(NextOrdinal(), type, level);

    /// <summary>A log, progress or artifact event with the id of an ordinal reserved by <see cref="NextOrdinal"/>.</summary>
    public TraceEvent At(long reservedOrdinal, TraceEventType type, TraceEventLevel level)
        => Create(TraceEventIds.NodeEvent(RunId, NodeId, Attempt, reservedOrdinal, Execution), type, level);

    private TraceEvent Create(string id, TraceEventType type, TraceEventLevel level) => new()
    {
        Id = id,
        RunId = RunId,
        NodeId = NodeId,
        Attempt = Attempt,
        Type = type,
        Level = level,
        Timestamp = clock.GetUtcNow(),
        TraceId = traceId,
        SpanId = spanId,
    };

    /// <summary>Queues an event; never blocks. After <see cref="CompleteAsync"/> an event is refused.</summary>
    public void Emit(TraceEvent traceEvent)
    {
        ArgumentNullException.ThrowIfNull(traceEvent);
        var prepared = Prepare(traceEvent);
        lock (gate)
        {
            var throttled = prepared.Type is TraceEventType.NodeLog or TraceEventType.NodeProgress;
            if (throttled && !TryTakeToken())
            {
                if (prepared.Type == TraceEventType.NodeProgress)
                {
                    heldProgress = prepared;
                }
                else
                {
                    dropped++;
                    unreported++;
                }

                return;
            }

            // A lifecycle event ends the attempt's story: what was held back is told before it.
            ReportThrottling(force: !throttled);
            Write(prepared);
        }
    }

    private void ReportThrottling(bool force)
    {
        if (unreported > 0)
        {
            Write(Next(TraceEventType.NodeLog, TraceEventLevel.Warn) with
            {
                Message = $"Throttled: {unreported} log event(s) dropped (limit {limits.MaxEventsPerSecondPerNode} per second per node).",
            });
            unreported = 0;
        }

        if (heldProgress is { } progress && (force || TryTakeToken()))
        {
            heldProgress = null;
            Write(progress);
        }
    }

    private bool TryTakeToken()
    {
        var now = clock.GetTimestamp();
        var rate = limits.MaxEventsPerSecondPerNode;
        tokens = Math.Min(rate, tokens + (clock.GetElapsedTime(refilledAt, now).TotalSeconds * rate));
        refilledAt = now;
        if (tokens < 1)
        {
            return false;
        }

        tokens--;
        return true;
    }

    private void Write(TraceEvent traceEvent)
    {
        if (completed)
        {
            throw new InvalidOperationException($"The trace of node '{NodeId}' attempt {Attempt} is already complete.");
        }

        var mustKeep = traceEvent.Type is not (TraceEventType.NodeLog or TraceEventType.NodeProgress);
        if (lostToBuffer > 0 && !TryReportLost(force: mustKeep))
        {
            lostToBuffer++;
            return;
        }

        if (!pending.TryEnqueue(traceEvent, mustKeep))
        {
            lostToBuffer++;
            return;
        }

        wakeUp.Writer.TryWrite(true);
    }

    // Says how many events the buffer dropped, before anything newer: once there is room again, or, forced,
    // when the attempt ends.
    private bool TryReportLost(bool force)
    {
        var report = Next(TraceEventType.NodeLog, TraceEventLevel.Warn) with
        {
            Message = $"Trace buffer full: {lostToBuffer} event(s) dropped while the trace could not be delivered (limits Trace:Limits:MaxBufferedEvents {limits.MaxBufferedEvents}, MaxSpillBytes {limits.MaxSpillBytes}).",
        };
        if (!pending.TryEnqueue(report, mustKeep: force))
        {
            return false;
        }

        OrchestrationLogs.TraceEventsLost(logger, RunId, NodeId, Attempt, lostToBuffer);
        lostToBuffer = 0;
        wakeUp.Writer.TryWrite(true);
        return true;
    }

    private TraceEvent Prepare(TraceEvent traceEvent)
    {
        var max = limits.MaxMessageLength;
        return traceEvent with
        {
            Message = traceEvent.Message is { } message ? TraceText.Sanitize(Secrets.Redact(message), max) : null,
            Error = traceEvent.Error is { } error ? error with { Message = TraceText.Sanitize(Secrets.Redact(error.Message), max) } : null,
            OutputSummary = traceEvent.OutputSummary is { } summary ? Secrets.Redact(summary) : null,
            Inputs = traceEvent.Inputs is { } inputs ? Secrets.Redact(inputs) : null,
            Output = traceEvent.Output is { Raw: { } raw } output ? output with { Raw = TraceText.Sanitize(Secrets.Redact(raw), max) } : traceEvent.Output,
        };
    }

    /// <summary>Stops accepting events and waits until every queued event is acknowledged by the transport.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (!completed)
            {
                ReportThrottling(force: true);
                if (lostToBuffer > 0)
                {
                    TryReportLost(force: true);
                }

                completed = true;
            }
        }

        wakeUp.Writer.TryComplete();
        await pump.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            completed = true;
        }

        wakeUp.Writer.TryComplete();
        try
        {
            await pump;
        }
#pragma warning disable CA1031 // Dispose must not throw; CompleteAsync is where a caller sees the failure.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            pending.Dispose();
        }
    }

    private async Task PumpAsync()
    {
        // Hand over the next batch while earlier ones commit, as far as the transport keeps their order:
        // the collector then merges them into fewer transactions (one awaited commit per batch caps a busy
        // node at a few hundred batches per second).
        var window = Math.Max(1, publisher.OrderedPublishesInFlight);
        var inFlight = new Queue<Task>(window);
        while (true)
        {
            var batch = new List<TraceEvent>(MaxBatch);
            if (pending.Take(batch, MaxBatch) == 0)
            {
                // Woken by every queued event, and for good once the attempt is complete (then whatever was
                // queued before completion is taken first).
                if (!await wakeUp.Reader.WaitToReadAsync())
                {
                    if (pending.Count == 0)
                    {
                        break;
                    }

                    continue;
                }

                wakeUp.Reader.TryRead(out _);
                continue;
            }

            if (inFlight.Count == window)
            {
                await inFlight.Dequeue();
            }

            inFlight.Enqueue(PublishWithRetriesAsync(batch));
        }

        while (inFlight.Count > 0)
        {
            await inFlight.Dequeue();
        }
    }

    private async Task PublishWithRetriesAsync(List<TraceEvent> batch)
    {
        var giveUpAt = (long?)null;
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            try
            {
                // A retried batch may land after a later one (ids keep it from duplicating); the in-process
                // transport waits out a store outage itself, in order, so refusals here are rare.
                await publisher.PublishAsync(batch);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException
                && clock.GetTimestamp() < (giveUpAt ??= clock.GetTimestamp() + (long)(limits.MaxDeliveryOutageSeconds * (double)clock.TimestampFrequency)))
            {
                // Ids are stable, so publishing the same batch again can never duplicate an event.
                OrchestrationLogs.PublishRetry(logger, exception, RunId, batch.Count, attemptNumber);
                await Task.Delay(delay, clock);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }
}
