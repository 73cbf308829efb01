using System.Security.Cryptography;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ShipSec.Shared.Artifacts;

/// <summary>
/// Artifacts in Blob Storage, one blob each, named <c>{runId}/{nodeId}/{attempt}/{artifactId}/{name}</c>.
/// Content is streamed to the blob while its size and SHA-256 are computed, never held whole in memory.
/// Read links are service SAS signed with the account key (connection string) or user delegation SAS
/// (managed identity).
/// </summary>
public sealed class BlobArtifactStore : IArtifactStore, IArtifactLinks
{
    /// <summary>The longest a read link may live.</summary>
    public static readonly TimeSpan MaxLinkLifetime = TimeSpan.FromHours(1);

    // Tolerates clock skew between this host and storage: a link must work the moment it is handed out.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

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

    /// <inheritdoc />
    /// <remarks><paramref name="lifetime"/> is capped at <see cref="MaxLinkLifetime"/>.</remarks>
    public async Task<ArtifactLink?> TryCreateReadLinkAsync(ArtifactReference reference, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);

        var now = DateTimeOffset.UtcNow;
        // Whole seconds: the SAS carries seconds, so the expiry reported is exactly the one signed.
        var expiresAt = TruncateToSeconds(now + (lifetime < MaxLinkLifetime ? lifetime : MaxLinkLifetime));
        var blob = service.GetBlobContainerClient(reference.Container).GetBlobClient(reference.BlobName);
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expiresAt)
        {
            BlobContainerName = reference.Container,
            BlobName = reference.BlobName,
            Resource = "b",
            StartsOn = TruncateToSeconds(now - ClockSkew),
            // The browser saves it under the artifact's own name and type, as the API download does.
            ContentType = reference.ContentType,
            ContentDisposition = $"attachment; filename=\"{BlobNames.SafeName(reference.Name).Replace('"', '_')}\"",
        };

        if (blob.CanGenerateSasUri)
        {
            return new ArtifactLink(blob.GenerateSasUri(sas), expiresAt);
        }

        UserDelegationKey key;
        try
        {
            key = (await service.GetUserDelegationKeyAsync(
                new BlobGetUserDelegationKeyOptions(expiresAt) { StartsOn = sas.StartsOn }, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception exception) when (exception is RequestFailedException or AuthenticationFailedException)
        {
            logger.LinkUnavailable(exception, reference.Container);
            return null;
        }

        var url = new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, service.AccountName) }.ToUri();
        return new ArtifactLink(url, expiresAt);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value)
        => new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);

    /// <summary>Completes when Blob Storage answered a request about the container (that it does not exist yet is an answer too).</summary>
    internal async Task ProbeAsync(CancellationToken cancellationToken)
        => await container.ExistsAsync(cancellationToken).ConfigureAwait(false);

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
