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

    /// <summary>Adds a client connection to a group.</summary>
    Task AddToGroupAsync(string connectionId, string group, CancellationToken cancellationToken = default);

    /// <summary>Removes a client connection from a group.</summary>
    Task RemoveFromGroupAsync(string connectionId, string group, CancellationToken cancellationToken = default);

    /// <summary>
    /// Where a client connects and the token it connects with. <paramref name="requestOrigin"/> is the
    /// scheme, host and path base the negotiate request came to (the local hub lives there; the Azure
    /// service ignores it); <paramref name="userId"/> becomes the token's <c>nameid</c> when given.
    /// </summary>
    Task<NegotiateResult> NegotiateAsync(Uri requestOrigin, string? userId, CancellationToken cancellationToken = default);
}

/// <summary>The answer of <c>POST /api/negotiate</c>: the hub URL to connect to and the access token to connect with.</summary>
/// <param name="Url">The SignalR hub (or service client endpoint) URL.</param>
/// <param name="AccessToken">A bearer token for that URL.</param>
public sealed record NegotiateResult(string Url, string AccessToken);
