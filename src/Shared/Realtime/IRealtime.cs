namespace ShipSec.Shared.Realtime;

/// <summary>
/// Pushes messages to dashboards over SignalR. Clients only receive (Azure SignalR Service in serverless mode
/// disconnects a client that invokes a hub method), so joining and leaving groups goes through the server too.
/// Implementations: the Azure SignalR Service REST API, and the local host's own hub.
/// </summary>
public interface IRealtime
{
    /// <summary>Sends <paramref name="payload"/> as the single argument of <paramref name="target"/> to every connection in <paramref name="group"/>.</summary>
    Task SendToGroupAsync(string group, string target, object payload, CancellationToken cancellationToken = default);

    /// <summary>Adds every connection of a SignalR user (a token's subject) to a group.</summary>
    Task AddUserToGroupAsync(string userId, string group, CancellationToken cancellationToken = default);

    /// <summary>Removes a SignalR user's connections from a group.</summary>
    Task RemoveUserFromGroupAsync(string userId, string group, CancellationToken cancellationToken = default);

    /// <summary>
    /// Where a client connects and the token it connects with. <paramref name="requestOrigin"/> is the
    /// scheme, host and path base the negotiate request came to (the local hub lives there; the Azure
    /// service ignores it); the token's <c>nameid</c> is the grant's subject and it names the grant's runs.
    /// </summary>
    Task<NegotiateResult> NegotiateAsync(Uri requestOrigin, RealtimeGrant grant, CancellationToken cancellationToken = default);

    /// <summary>The grant of a client token this provider issued, or null when it is forged, foreign or expired.</summary>
    RealtimeGrant? ReadGrant(string accessToken);
}

/// <summary>The answer of <c>POST /api/negotiate</c>: the hub URL to connect to and the access token to connect with.</summary>
/// <param name="Url">The SignalR hub (or service client endpoint) URL.</param>
/// <param name="AccessToken">A bearer token for that URL.</param>
public sealed record NegotiateResult(string Url, string AccessToken);
