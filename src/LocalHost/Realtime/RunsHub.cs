using Microsoft.AspNetCore.SignalR;

namespace ShipSec.LocalHost.Realtime;

/// <summary>
/// The local stand-in for Azure SignalR Service's serverless hub: no client-invokable methods, so the one
/// dashboard client works against both. Connections are authenticated by the token from negotiate (see
/// <see cref="LocalRealtimeExtensions"/>); the token's subject is the connection's user, and the groups
/// that user was granted through the subscribe functions are joined here on every (re)connect.
/// </summary>
public sealed class RunsHub(LocalUserGroups userGroups) : Hub
{
    public override async Task OnConnectedAsync()
    {
        if (Context.UserIdentifier is { } user)
        {
            foreach (var group in userGroups.Connected(user, Context.ConnectionId))
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, group);
            }
        }

        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.UserIdentifier is { } user)
        {
            userGroups.Disconnected(user, Context.ConnectionId);
        }

        return base.OnDisconnectedAsync(exception);
    }
}
