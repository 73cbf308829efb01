using Microsoft.AspNetCore.SignalR;

namespace ShipSec.LocalHost.Realtime;

/// <summary>
/// Group membership by SignalR user, as Azure SignalR Service keeps it: a user added to a group receives
/// its messages on every connection it has now or opens later (a reconnect gets a new connection id).
/// ASP.NET Core SignalR groups hold connections only, so this keeps the user's side.
/// </summary>
public sealed class LocalUserGroups(IHubContext<RunsHub> hub)
{
    private readonly Dictionary<string, (HashSet<string> Connections, HashSet<string> Groups)> users = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public async Task AddAsync(string userId, string group, CancellationToken cancellationToken)
    {
        string[] connections;
        lock (gate)
        {
            var user = Get(userId);
            user.Groups.Add(group);
            connections = [.. user.Connections];
        }

        foreach (var connection in connections)
        {
            await hub.Groups.AddToGroupAsync(connection, group, cancellationToken);
        }
    }

    public async Task RemoveAsync(string userId, string group, CancellationToken cancellationToken)
    {
        string[] connections;
        lock (gate)
        {
            var user = Get(userId);
            user.Groups.Remove(group);
            connections = [.. user.Connections];
        }

        foreach (var connection in connections)
        {
            await hub.Groups.RemoveFromGroupAsync(connection, group, cancellationToken);
        }
    }

    /// <summary>Records a new connection of a user; returns the groups it must join.</summary>
    public IReadOnlyList<string> Connected(string userId, string connectionId)
    {
        lock (gate)
        {
            var user = Get(userId);
            user.Connections.Add(connectionId);
            return [.. user.Groups];
        }
    }

    public void Disconnected(string userId, string connectionId)
    {
        lock (gate)
        {
            if (users.TryGetValue(userId, out var user) && user.Connections.Remove(connectionId) && user.Connections.Count == 0 && user.Groups.Count == 0)
            {
                users.Remove(userId);
            }
        }
    }

    private (HashSet<string> Connections, HashSet<string> Groups) Get(string userId)
    {
        if (!users.TryGetValue(userId, out var user))
        {
            user = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
            users[userId] = user;
        }

        return user;
    }
}
