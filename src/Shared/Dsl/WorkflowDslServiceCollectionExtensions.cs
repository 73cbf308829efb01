using Microsoft.Extensions.DependencyInjection.Extensions;
using ShipSec.Shared.Dsl;

#pragma warning disable IDE0130 // DI extensions live in the DI namespace, as the house style asks.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the workflow DSL services.</summary>
public static class WorkflowDslServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="WorkflowValidator"/> and <see cref="WorkflowDefinitionReader"/> as singletons. They need an
    /// <see cref="ShipSec.Shared.Sdk.IComponentCatalog"/>, registered by whoever registers the components.
    /// </summary>
    public static IServiceCollection AddWorkflowDsl(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<WorkflowValidator>();
        services.TryAddSingleton(provider => new WorkflowDefinitionReader(provider.GetRequiredService<WorkflowValidator>()));
        return services;
    }
}
