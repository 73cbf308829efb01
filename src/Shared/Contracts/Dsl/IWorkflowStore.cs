namespace ShipSec.Shared.Dsl;

/// <summary>A stored version of a workflow definition.</summary>
/// <param name="Definition">The validated definition.</param>
/// <param name="Version">1 for the first version stored under the id, then 2, 3, …</param>
/// <param name="CreatedAt">When this version was stored.</param>
public sealed record StoredWorkflow(WorkflowDefinition Definition, int Version, DateTimeOffset CreatedAt);

/// <summary>Registered workflows, versioned: saving an id again adds a version.</summary>
public interface IWorkflowStore
{
    /// <summary>Stores a validated definition as the next version of its id.</summary>
    Task<StoredWorkflow> SaveAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>The latest version of a workflow, or null.</summary>
    Task<StoredWorkflow?> GetAsync(string workflowId, CancellationToken cancellationToken = default);

    /// <summary>One stored version of a workflow, or null.</summary>
    Task<StoredWorkflow?> GetAsync(string workflowId, int version, CancellationToken cancellationToken = default);
}
