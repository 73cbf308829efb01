using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ShipSec.Shared.Realtime;

/// <summary>Fails start when the chosen provider cannot work: no local hub registered, or no usable Azure connection string.</summary>
internal sealed class RealtimeOptionsValidator(IServiceProviderIsKeyedService registered, IOptions<AzureSignalROptions> azure) : IValidateOptions<RealtimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RealtimeOptions options) => options.Provider switch
    {
        RealtimeProvider.Local when !registered.IsKeyedService(typeof(IRealtime), RealtimeProvider.Local)
            => ValidateOptionsResult.Fail("Realtime:Provider is Local, but this host has no local SignalR hub; use AzureSignalR."),
        RealtimeProvider.AzureSignalR when !AzureSignalRConnectionString.TryParse(azure.Value.ConnectionString, out _, out var error)
            => ValidateOptionsResult.Fail($"Realtime:Provider is AzureSignalR, but Realtime:AzureSignalR:ConnectionString is not valid: {error}"),
        _ => ValidateOptionsResult.Success,
    };
}
