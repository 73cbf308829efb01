using System.Security.Cryptography;
using Microsoft.AspNetCore.SignalR;
using ShipSec.Shared.Realtime;

namespace ShipSec.LocalHost.Realtime;

/// <summary><see cref="IRealtime"/> over the local host's own <see cref="RunsHub"/>.</summary>
public sealed class LocalSignalRRealtime(IHubContext<RunsHub> hub, TimeProvider clock) : IRealtime
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    // Per process: tokens need not survive a restart, and nothing checks them yet (see RunsHub).
    private readonly byte[] _signingKey = RandomNumberGenerator.GetBytes(32);

    public Task SendToGroupAsync(string group, string target, object payload, CancellationToken cancellationToken = default)
        => hub.Clients.Group(group).SendAsync(target, payload, cancellationToken);

    public Task AddToGroupAsync(string connectionId, string group, CancellationToken cancellationToken = default)
        => hub.Groups.AddToGroupAsync(connectionId, group, cancellationToken);

    public Task RemoveFromGroupAsync(string connectionId, string group, CancellationToken cancellationToken = default)
        => hub.Groups.RemoveFromGroupAsync(connectionId, group, cancellationToken);

    public Task<NegotiateResult> NegotiateAsync(Uri requestOrigin, string? userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestOrigin);
        var url = new Uri(requestOrigin, RealtimeHub.LocalPath.TrimStart('/')).AbsoluteUri;
        var token = SignalRAccessToken.Create(url, _signingKey, clock.GetUtcNow(), TokenLifetime, userId);
        return Task.FromResult(new NegotiateResult(url, token));
    }
}
