namespace ShipSec.Shared.Realtime;

/// <summary>The <see cref="IRealtime"/> of <see cref="RealtimeProvider.None"/>: nothing is pushed, nobody can connect.</summary>
internal sealed class DisabledRealtime : IRealtime
{
    private const string Reason = "Realtime is off: set Realtime:AzureSignalR:ConnectionString (or Realtime:Provider).";

    public Task SendToGroupAsync(string group, string target, object payload, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task AddUserToGroupAsync(string userId, string group, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Reason);

    public Task RemoveUserFromGroupAsync(string userId, string group, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Reason);

    public Task<NegotiateResult> NegotiateAsync(Uri requestOrigin, RealtimeGrant grant, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Reason);

    public RealtimeGrant? ReadGrant(string accessToken) => null;
}
