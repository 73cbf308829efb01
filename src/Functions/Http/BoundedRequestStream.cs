namespace ShipSec.Functions.Http;

/// <summary>The request body exceeded its limit.</summary>
public sealed class RequestBodyTooLargeException(long limit, string? setting = null) : Exception($"The request body is larger than {limit} bytes.")
{
    /// <summary>The limit in bytes.</summary>
    public long Limit { get; } = limit;

    /// <summary>The setting that holds the limit, when one does.</summary>
    public string? Setting { get; } = setting;
}

/// <summary>
/// A read-only view of a request body that fails once more than <c>limit</c> bytes were read. It works the
/// same behind the Functions host and Kestrel, and also when no Content-Length was sent (chunked bodies).
/// </summary>
public sealed class BoundedRequestStream(Stream inner, long limit, string? setting = null) : Stream
{
    private long read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int bytes)
    {
        read += bytes;
        return read > limit ? throw new RequestBodyTooLargeException(limit, setting) : bytes;
    }
}
