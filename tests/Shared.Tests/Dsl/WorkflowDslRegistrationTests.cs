using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Sdk;

namespace ShipSec.Shared.Tests.Dsl;

public sealed class WorkflowDslRegistrationTests
{
    [Fact]
    public void The_reader_resolves_from_dependency_injection_and_validates_against_the_registered_catalog()
    {
        using var provider = new ServiceCollection()
            .AddSingleton<IComponentCatalog>(TestCatalog.Create())
            .AddWorkflowDsl()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var reader = provider.GetRequiredService<WorkflowDefinitionReader>();

        Assert.True(reader.Read(TestCatalog.Example).IsValid);
        Assert.Equal(WorkflowProblemCodes.UnknownComponent, Assert.Single(reader.Read(TestCatalog.Example.Replace("core.report", "core.nothing", StringComparison.Ordinal)).Problems).Code);
        Assert.Same(provider.GetRequiredService<WorkflowValidator>(), provider.GetRequiredService<WorkflowValidator>());
    }
}
