using System.Security.Cryptography;
using Microsoft.AspNetCore.SignalR;
using ShipSec.Shared.Realtime;

namespace ShipSec.LocalHost.Realtime;

/// <summary><see cref="IRealtime"/> over the local host's own <see cref="RunsHub"/>.</summary>
public sealed class LocalSignalRRealtime(IHubContext<RunsHub> hub, LocalUserGroups userGroups, TimeProvider clock) : IRealtime
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    // Per process: tokens need not survive a restart (the dashboard negotiates again when it reconnects).
    private readonly byte[] signingKey = RandomNumberGenerator.GetBytes(32);

    public Task SendToGroupAsync(string group, string target, object payload, CancellationToken cancellationToken = default)
        => hub.Clients.Group(group).SendAsync(target, payload, cancellationToken);

    public Task AddUserToGroupAsync(string userId, string group, CancellationToken cancellationToken = default)
        => userGroups.AddAsync(userId, group, cancellationToken);

    public Task RemoveUserFromGroupAsync(string userId, string group, CancellationToken cancellationToken = default)
        => userGroups.RemoveAsync(userId, group, cancellationToken);

    public Task<NegotiateResult> NegotiateAsync(Uri requestOrigin, RealtimeGrant grant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestOrigin);
        ArgumentNullException.ThrowIfNull(grant);
        var url = new Uri(requestOrigin, RealtimeHub.LocalPath.TrimStart('/')).AbsoluteUri;
        var token = SignalRAccessToken.Create(url, signingKey, clock.GetUtcNow(), TokenLifetime, grant.Subject, grant.Claim);
        return Task.FromResult(new NegotiateResult(url, token));
    }

    public RealtimeGrant? ReadGrant(string accessToken) => SignalRAccessToken.ReadGrant(accessToken, signingKey, clock.GetUtcNow());
}
