namespace ShipSec.Shared.Artifacts;

/// <summary>Where a stored artifact lives and how to check it: carried by NODE_ARTIFACT events.</summary>
public sealed record ArtifactReference
{
    /// <summary>Id unique within the run, used by the download endpoint.</summary>
    public required string ArtifactId { get; init; }

    /// <summary>File name the component gave it.</summary>
    public required string Name { get; init; }

    /// <summary>MIME type.</summary>
    public required string ContentType { get; init; }

    /// <summary>Size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Lowercase hex SHA-256 of the content.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Blob container.</summary>
    public required string Container { get; init; }

    /// <summary>Blob name within the container.</summary>
    public required string BlobName { get; init; }
}

/// <summary>What is known of an artifact before its bytes are stored.</summary>
public sealed record ArtifactDescriptor(string RunId, string NodeId, int Attempt, string ArtifactId, string Name, string ContentType);

/// <summary>An artifact's bytes opened for reading.</summary>
public sealed record ArtifactContent(Stream Content, string ContentType, long Size) : IAsyncDisposable
{
    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>Artifact bytes (Blob Storage in Azure, Azurite locally).</summary>
public interface IArtifactStore
{
    /// <summary>Stores the content, computing its size and SHA-256 on the way.</summary>
    Task<ArtifactReference> SaveAsync(ArtifactDescriptor descriptor, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens a stored artifact, or null when the blob does not exist.</summary>
    Task<ArtifactContent?> OpenAsync(ArtifactReference reference, CancellationToken cancellationToken = default);
}
