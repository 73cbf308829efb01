using System.Reflection;

namespace ShipSec.Functions.Tests;

/// <summary>Paths fixed when this test project was built (see the csproj's AssemblyMetadata items).</summary>
internal static class BuildLayout
{
    public static string RepositoryRoot { get; } = Read(nameof(RepositoryRoot));

    public static string FunctionsOutputDirectory { get; } = Read(nameof(FunctionsOutputDirectory));

    public static string BicepPackageDirectory { get; } = Read(nameof(BicepPackageDirectory));

    public static string BicepDirectory { get; } = Path.Combine(RepositoryRoot, "infra", "bicep");

    private static string Read(string key)
        => typeof(BuildLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
               .SingleOrDefault(attribute => attribute.Key == key)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The test assembly was built without the '{key}' metadata.");
}
