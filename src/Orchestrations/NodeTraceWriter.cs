using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>
/// The trace of one node attempt. Components write to it without waiting (<see cref="Emit"/>); a single
/// pump forwards events in order to the <see cref="ITracePublisher"/> in batches while the node runs, and
/// <see cref="CompleteAsync"/> returns only when every event has been acknowledged, so a node's events are
/// flushed before its activity returns. Event ids are derived from run, node, attempt and an ordinal, so a
/// re-executed attempt re-emits the same ids and the store keeps one copy.
/// </summary>
public sealed class NodeTraceWriter : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private const int MaxPublishTries = 5;

    private readonly Channel<TraceEvent> pending = Channel.CreateUnbounded<TraceEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ITracePublisher publisher;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly Task pump;
    private long ordinal;

    /// <summary>Starts the pump for one attempt.</summary>
    public NodeTraceWriter(ITracePublisher publisher, TimeProvider clock, ILogger logger, string runId, string nodeId, int attempt)
    {
        this.publisher = publisher ?? throw new ArgumentNullException(nameof(publisher));
        this.clock = clock ?? throw new ArgumentNullException(nameof(clock));
        this.logger = logger ?? throw new ArgumentNullException(nameof(logger));
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

    /// <summary>Reserves the next ordinal of this attempt (for event ids and artifact ids).</summary>
    public long NextOrdinal() => Interlocked.Increment(ref ordinal);

    /// <summary>A lifecycle event (started, completed, failed) of this attempt with its derived id.</summary>
    public TraceEvent Lifecycle(TraceEventType type, TraceEventLevel level) => new()
    {
        Id = TraceEventIds.NodeLifecycle(RunId, NodeId, Attempt, type),
        RunId = RunId,
        NodeId = NodeId,
        Attempt = Attempt,
        Type = type,
        Level = level,
        Timestamp = clock.GetUtcNow(),
    };

    /// <summary>A log, progress or artifact event of this attempt with the next ordinal id.</summary>
    public TraceEvent Next(TraceEventType type, TraceEventLevel level) => At(NextOrdinal(), type, level);

    /// <summary>A log, progress or artifact event with the id of an ordinal reserved by <see cref="NextOrdinal"/>.</summary>
    public TraceEvent At(long reservedOrdinal, TraceEventType type, TraceEventLevel level) => new()
    {
        Id = TraceEventIds.NodeEvent(RunId, NodeId, Attempt, reservedOrdinal),
        RunId = RunId,
        NodeId = NodeId,
        Attempt = Attempt,
        Type = type,
        Level = level,
        Timestamp = clock.GetUtcNow(),
    };

    /// <summary>Queues an event; never blocks. After <see cref="CompleteAsync"/> an event is refused.</summary>
    public void Emit(TraceEvent traceEvent)
    {
        if (!pending.Writer.TryWrite(traceEvent))
        {
            throw new InvalidOperationException($"The trace of node '{NodeId}' attempt {Attempt} is already complete.");
        }
    }

    /// <summary>Stops accepting events and waits until every queued event is acknowledged by the transport.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        pending.Writer.TryComplete();
        await pump.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        pending.Writer.TryComplete();
        try
        {
            await pump;
        }
#pragma warning disable CA1031 // Dispose must not throw; CompleteAsync is where a caller sees the failure.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task PumpAsync()
    {
        var batch = new List<TraceEvent>(MaxBatch);
        var reader = pending.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            await PublishWithRetriesAsync(batch);
            batch.Clear();
        }
    }

    private async Task PublishWithRetriesAsync(List<TraceEvent> batch)
    {
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            try
            {
                // The transport may keep the list after acknowledging it: hand over a copy.
                await publisher.PublishAsync(batch.ToArray());
                return;
            }
            catch (Exception exception) when (attemptNumber < MaxPublishTries && exception is not OperationCanceledException)
            {
                // Ids are stable, so publishing the same batch again can never duplicate an event.
                OrchestrationLogs.PublishRetry(logger, exception, RunId, batch.Count, attemptNumber);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * (1 << attemptNumber)), clock);
            }
        }
    }
}
