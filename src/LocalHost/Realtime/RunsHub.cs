using Microsoft.AspNetCore.SignalR;

namespace ShipSec.LocalHost.Realtime;

/// <summary>
/// The local stand-in for Azure SignalR Service's serverless hub: no client-invokable methods, so the one
/// dashboard client works against both (groups are joined through the subscribe functions).
/// </summary>
// Access tokens from negotiate are not validated yet: access control is a later issue. The hub, like the
// local API, trusts whoever reaches the loopback address it listens on.
public sealed class RunsHub : Hub;
