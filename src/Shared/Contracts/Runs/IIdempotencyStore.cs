namespace ShipSec.Shared.Runs;

/// <summary>What a claim of an idempotency key found.</summary>
/// <param name="Claimed">True when this request now owns the key (it was free, or its last use is older than the window).</param>
/// <param name="RunId">The run the key stands for: the caller's own when claimed, else the first request's.</param>
/// <param name="RequestHash">The fingerprint of the request that holds the key.</param>
public sealed record IdempotencyClaim(bool Claimed, string RunId, string RequestHash);

/// <summary>
/// Idempotency keys of run starts: the first request with a key claims it for the run id it is about to start, so a
/// repeat (however concurrent) finds that run instead of starting another.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims <paramref name="key"/> of <paramref name="caller"/> for <paramref name="runId"/>, unless a claim made after
    /// <paramref name="expiredBefore"/> holds it; either way says who holds it.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(
        string caller, string key, string requestHash, string runId, DateTimeOffset now, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default);

    /// <summary>Gives the key up again (the start it was claimed for did not happen); only the claim for <paramref name="runId"/> is removed.</summary>
    Task ReleaseAsync(string caller, string key, string runId, CancellationToken cancellationToken = default);

    /// <summary>Whether the claim for <paramref name="runId"/> still stands.</summary>
    Task<bool> HoldsAsync(string caller, string key, string runId, CancellationToken cancellationToken = default);
}
