namespace ShipSec.Shared.Realtime;

/// <summary>
/// What a client's realtime token lets it follow: the token's subject (its SignalR user id, random per
/// negotiation) and the runs named when it was issued, or <see cref="AllRuns"/>. Groups are joined by
/// that user id, so a connection only ever receives what its own token was granted.
/// </summary>
/// <param name="Subject">The token's <c>nameid</c>: the SignalR user the connection is.</param>
/// <param name="RunIds">The runs it may follow; <c>*</c> means every run (and the all-runs status group).</param>
public sealed record RealtimeGrant(string Subject, IReadOnlyList<string> RunIds)
{
    /// <summary>The run list of a grant for every run.</summary>
    public const string AllRuns = "*";

    /// <summary>True when the grant covers every run.</summary>
    public bool CoversAllRuns => RunIds.Contains(AllRuns, StringComparer.Ordinal);

    /// <summary>True when the grant lets its holder follow <paramref name="runId"/>.</summary>
    public bool Allows(string runId) => CoversAllRuns || RunIds.Contains(runId, StringComparer.Ordinal);

    /// <summary>The claim value: run ids separated by spaces.</summary>
    public string Claim => string.Join(' ', RunIds);
}
