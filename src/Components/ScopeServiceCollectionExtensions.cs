using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the deployment's target scope.</summary>
public static class ScopeServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ScopeOptions"/> (section <c>Scope</c>, read when configuration is registered; loopback
    /// otherwise) and <see cref="TargetScope"/>, whose entries are checked on start. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddShipSecScope(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(TargetScope)))
        {
            // Binding a list appends: a second registration would list every entry twice.
            return services;
        }

        services.AddOptions<ScopeOptions>()
            .Configure<IServiceProvider>((options, provider) => provider.GetService<IConfiguration>()?.GetSection(ScopeOptions.SectionName).Bind(options))
            .Validate(
                options =>
                {
                    // The scope's own parser is the rule: an entry it cannot read fails the host's start.
                    try
                    {
                        _ = new TargetScope(options);
                        return true;
                    }
                    catch (ArgumentException)
                    {
                        return false;
                    }
                },
                "Scope:Allowed holds an entry that is not a CIDR network, an address, a host name or a domain (*.example.com).")
            .ValidateOnStart();
        services.TryAddSingleton(provider => new TargetScope(provider.GetRequiredService<IOptions<ScopeOptions>>().Value));
        return services;
    }
}
