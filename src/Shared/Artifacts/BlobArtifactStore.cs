using System.Security.Cryptography;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ShipSec.Shared.Artifacts;

/// <summary>
/// Artifacts in Blob Storage, one blob each, named <c>{runId}/{nodeId}/{attempt}/{artifactId}/{name}</c>.
/// Content is streamed to the blob while its size and SHA-256 are computed, never held whole in memory.
/// </summary>
public sealed class BlobArtifactStore : IArtifactStore
{
    private readonly BlobServiceClient service;
    private readonly BlobContainerClient container;
    private readonly ILogger<BlobArtifactStore> logger;
    private volatile bool containerExists;

    /// <summary>A store over the configured account and container.</summary>
    public BlobArtifactStore(IOptions<ArtifactStorageOptions> options, ILogger<BlobArtifactStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        service = string.IsNullOrWhiteSpace(value.ConnectionString)
            ? new BlobServiceClient(value.ServiceUri ?? throw new InvalidOperationException("Artifacts:ServiceUri or a connection string is required."), new DefaultAzureCredential())
            : new BlobServiceClient(value.ConnectionString);
        container = service.GetBlobContainerClient(value.Container);
        this.logger = logger;
    }

    /// <inheritdoc />
    public async Task<ArtifactReference> SaveAsync(ArtifactDescriptor descriptor, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(content);

        var blobName = BlobNames.For(descriptor);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);

        await using var hashing = new HashingReadStream(content);
        var blob = container.GetBlobClient(blobName);
        await blob.UploadAsync(
            hashing,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = descriptor.ContentType } },
            cancellationToken).ConfigureAwait(false);

        var reference = new ArtifactReference
        {
            ArtifactId = descriptor.ArtifactId,
            Name = descriptor.Name,
            ContentType = descriptor.ContentType,
            Size = hashing.BytesRead,
            Sha256 = hashing.HashHex(),
            Container = container.Name,
            BlobName = blobName,
        };
        logger.ArtifactSaved(descriptor.RunId, descriptor.NodeId, reference.BlobName, reference.Size);
        return reference;
    }

    /// <inheritdoc />
    public async Task<ArtifactContent?> OpenAsync(ArtifactReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var blob = service.GetBlobContainerClient(reference.Container).GetBlobClient(reference.BlobName);
        try
        {
            var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var details = download.Value.Details;
            return new ArtifactContent(download.Value.Content, details.ContentType ?? reference.ContentType, details.ContentLength);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        // Creating is idempotent, so two first saves racing here both succeed; after that no round trip.
        if (containerExists)
        {
            return;
        }

        var created = await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (created is not null)
        {
            logger.ContainerCreated(container.Name);
        }

        containerExists = true;
    }

    /// <summary>Passes a stream through once, forward only, counting and hashing every byte read.</summary>
    private sealed class HashingReadStream(Stream inner) : Stream
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long BytesRead { get; private set; }

        // Not seekable on purpose: a client that rewound to retry would hash the same bytes twice.
        public override bool CanSeek => false;

        public override bool CanRead => true;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => BytesRead;
            set => throw new NotSupportedException();
        }

        public string HashHex() => Convert.ToHexStringLower(hash.GetCurrentHash());

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            Account(buffer[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Account(buffer.Span[..read]);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                hash.Dispose();
            }

            // The caller owns the inner stream.
            base.Dispose(disposing);
        }

        private void Account(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            BytesRead += bytes.Length;
        }
    }
}
