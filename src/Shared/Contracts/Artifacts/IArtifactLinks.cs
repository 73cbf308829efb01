namespace ShipSec.Shared.Artifacts;

/// <summary>Short-lived links that let a browser download an artifact straight from storage.</summary>
public interface IArtifactLinks
{
    /// <summary>
    /// A read-only link to the artifact valid for at most <paramref name="lifetime"/>, or null when the store
    /// cannot sign one (a token credential without the right to get a user delegation key, or an emulator
    /// that does not issue them).
    /// </summary>
    Task<ArtifactLink?> TryCreateReadLinkAsync(ArtifactReference reference, TimeSpan lifetime, CancellationToken cancellationToken = default);
}

/// <summary>A signed read link and when it stops working.</summary>
/// <param name="Url">The link.</param>
/// <param name="ExpiresAt">When storage starts refusing it.</param>
public sealed record ArtifactLink(Uri Url, DateTimeOffset ExpiresAt);
