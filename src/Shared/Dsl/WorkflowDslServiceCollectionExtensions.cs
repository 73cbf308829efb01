using Microsoft.Extensions.DependencyInjection.Extensions;
using ShipSec.Shared.Dsl;

#pragma warning disable IDE0130 // DI extensions live in the DI namespace, as the house style asks.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the workflow DSL services.</summary>
public static class WorkflowDslServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="WorkflowValidator"/> (with <see cref="WorkflowOptions"/> when a host binds them) and
    /// <see cref="WorkflowDefinitionReader"/> as singletons. They need an
    /// <see cref="ShipSec.Shared.Sdk.IComponentCatalog"/>, registered by whoever registers the components.
    /// </summary>
    public static IServiceCollection AddWorkflowDsl(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(provider => new WorkflowValidator(
            provider.GetRequiredService<ShipSec.Shared.Sdk.IComponentCatalog>(),
            provider.GetService<Microsoft.Extensions.Options.IOptions<WorkflowOptions>>()?.Value.MaxNodeTimeoutSeconds ?? WorkflowLimits.MaxTimeoutSeconds));
        services.TryAddSingleton(provider => new WorkflowDefinitionReader(provider.GetRequiredService<WorkflowValidator>()));
        return services;
    }
}
