using System.Buffers.Binary;
using System.Text.Json;
using ShipSec.Shared.Json;

namespace ShipSec.Shared.Trace;

/// <summary>
/// The queue between one emitter and its transport, first in first out, bounded twice: up to
/// <see cref="TraceLimitsOptions.MaxBufferedEvents"/> events are held in memory; beyond that (the transport is
/// slow or its store is down) events are appended to a file of their own under
/// <see cref="TraceLimitsOptions.SpillDirectory"/>, up to <see cref="TraceLimitsOptions.MaxSpillBytes"/>; beyond
/// that an event is refused, and the emitter says how many it lost. Once spilling started every newer event
/// goes to the file until the file is read back, so order holds across memory and disk. Thread-safe.
/// </summary>
public sealed class TraceSpool : IDisposable
{
    private const int LengthPrefix = sizeof(int);

    private readonly Queue<TraceEvent> memory = new();
    private readonly Lock gate = new();
    private readonly int maxInMemory;
    private readonly long maxSpillBytes;
    private readonly string directory;
    private FileStream? file;
    private long readPosition;
    private long writePosition;
    private long spilledUnread;
    private bool disposed;

    /// <summary>A spool with the bounds of <paramref name="limits"/>.</summary>
    public TraceSpool(TraceLimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        maxInMemory = limits.MaxBufferedEvents;
        maxSpillBytes = limits.MaxSpillBytes;
        directory = string.IsNullOrWhiteSpace(limits.SpillDirectory)
            ? Path.Combine(Path.GetTempPath(), "shipsec-trace-spool")
            : limits.SpillDirectory;
    }

    /// <summary>Events waiting, in memory and on disk.</summary>
    public long Count
    {
        get
        {
            lock (gate)
            {
                return memory.Count + spilledUnread;
            }
        }
    }

    /// <summary>Bytes the spill file holds now (0 when nothing is spilled).</summary>
    public long SpilledBytes
    {
        get
        {
            lock (gate)
            {
                return writePosition;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="traceEvent"/>; false when both bounds are reached and it was not kept. An event the
    /// trace cannot do without (<paramref name="mustKeep"/>: a lifecycle event, the count of lost ones) is kept anyway.
    /// </summary>
    public bool TryEnqueue(TraceEvent traceEvent, bool mustKeep = false)
    {
        ArgumentNullException.ThrowIfNull(traceEvent);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (spilledUnread == 0 && memory.Count < maxInMemory)
            {
                memory.Enqueue(traceEvent);
                return true;
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(traceEvent, ShipSecJson.Options);
            if (!mustKeep && writePosition + LengthPrefix + bytes.Length > maxSpillBytes)
            {
                return false;
            }

            var stream = file ??= Open();
            Span<byte> length = stackalloc byte[LengthPrefix];
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            stream.Position = writePosition;
            stream.Write(length);
            stream.Write(bytes);
            writePosition += LengthPrefix + bytes.Length;
            spilledUnread++;
            return true;
        }
    }

    /// <summary>Moves up to <paramref name="max"/> of the oldest events into <paramref name="batch"/>; returns how many.</summary>
    public int Take(List<TraceEvent> batch, int max)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (gate)
        {
            var taken = 0;
            while (taken < max && memory.TryDequeue(out var next))
            {
                batch.Add(next);
                taken++;
            }

            if (taken < max && spilledUnread > 0)
            {
                taken += ReadSpilled(batch, max - taken);
            }

            return taken;
        }
    }

    private int ReadSpilled(List<TraceEvent> batch, int max)
    {
        var stream = file!;
        stream.Position = readPosition;
        Span<byte> length = stackalloc byte[LengthPrefix];
        var taken = 0;
        while (taken < max && spilledUnread > 0)
        {
            stream.ReadExactly(length);
            var bytes = new byte[BinaryPrimitives.ReadInt32LittleEndian(length)];
            stream.ReadExactly(bytes);
            batch.Add(JsonSerializer.Deserialize<TraceEvent>(bytes, ShipSecJson.Options)!);
            readPosition += LengthPrefix + bytes.Length;
            spilledUnread--;
            taken++;
        }

        if (spilledUnread == 0)
        {
            // Read back whole: the file starts over, and newer events go to memory again.
            stream.SetLength(0);
            readPosition = 0;
            writePosition = 0;
        }

        return taken;
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(directory);
        // Deleted when closed, and never shared: a crash leaves at most the file of the attempt it interrupted,
        // whose events the redelivered activity emits again.
        return new FileStream(
            Path.Combine(directory, $"{Guid.NewGuid():N}.spool"),
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            FileShare.None,
            bufferSize: 64 * 1024,
            FileOptions.DeleteOnClose);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            memory.Clear();
            file?.Dispose();
            file = null;
        }
    }
}
