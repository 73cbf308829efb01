using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShipSec.Shared.Artifacts;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the artifact store.</summary>
public static class ArtifactServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IArtifactStore"/> and <see cref="IArtifactLinks"/> over Blob Storage, configured from the <c>Artifacts</c> section
    /// (connection string falling back to <c>ConnectionStrings:Storage</c>) and validated on start.
    /// </summary>
    public static IServiceCollection AddShipSecArtifacts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ArtifactStorageOptions>()
            .BindConfiguration(ArtifactStorageOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    options.ConnectionString = configuration.GetConnectionString("Storage");
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<BlobArtifactStore>();
        services.TryAddSingleton<IArtifactStore>(provider => provider.GetRequiredService<BlobArtifactStore>());
        services.TryAddSingleton<IArtifactLinks>(provider => provider.GetRequiredService<BlobArtifactStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ShipSec.Shared.Runs.IDependencyProbe, BlobStorageProbe>());
        return services;
    }
}
