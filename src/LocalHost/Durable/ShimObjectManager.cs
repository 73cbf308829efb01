using DurableTask.Core;

namespace ShipSec.LocalHost.Durable;

/// <summary>
/// Hands the Durable Task Framework a fresh shim per work item, wrapping our Microsoft.DurableTask
/// orchestrator or activity (created from dependency injection) in <c>DurableTaskShimFactory</c>'s adapter.
/// </summary>
internal sealed class ShimObjectManager<T>(IReadOnlyDictionary<string, Func<T>> factories) : INameVersionObjectManager<T>
    where T : class
{
    public void Add(ObjectCreator<T> creator)
        => throw new NotSupportedException("Orchestrations and activities come from OrchestrationCatalog.");

    public T? GetObject(string name, string? version) => factories.TryGetValue(name, out var create) ? create() : null;
}
