using Microsoft.Extensions.DependencyInjection.Extensions;
using ShipSec.Components;
using ShipSec.Shared.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the built-in components.</summary>
public static class ComponentServiceCollectionExtensions
{
    /// <summary>
    /// Adds every built-in component as an <see cref="IComponent"/> singleton, <see cref="IComponentCatalog"/>, the
    /// <c>core.exec</c> policy (<c>Components:Exec</c>) and the <see cref="ProcessSandbox"/> (<c>Components:Sandbox</c>);
    /// safe to call more than once.
    /// </summary>
    public static IServiceCollection AddShipSecComponents(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(
        [
            ServiceDescriptor.Singleton<IComponent, PortScanComponent>(),
            ServiceDescriptor.Singleton<IComponent, HttpProbeComponent>(),
            ServiceDescriptor.Singleton<IComponent, NmapComponent>(),
            ServiceDescriptor.Singleton<IComponent, TlsComponent>(),
            ServiceDescriptor.Singleton<IComponent, ExecComponent>(),
            ServiceDescriptor.Singleton<IComponent, ReportComponent>(),
            ServiceDescriptor.Singleton<IComponent, LogComponent>(),
            ServiceDescriptor.Singleton<IComponent, FailComponent>(),
            ServiceDescriptor.Singleton<IComponent, SleepComponent>(),
        ]);
        services.TryAddSingleton<IComponentCatalog, ComponentCatalog>();
        services.AddShipSecScope();
        services.AddOptions<ExecOptions>().BindConfiguration(ExecOptions.SectionName);
        services.AddOptions<ProcessSandboxOptions>().BindConfiguration(ProcessSandboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(provider => new ProcessSandbox(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProcessSandboxOptions>>().Value));
        return services;
    }
}
