using Microsoft.DurableTask;
using ShipSec.Shared.Dsl;

namespace ShipSec.Orchestrations;

/// <summary>
/// Loads the stored workflow version a run executes. Stored versions are immutable, so the one answer recorded in the
/// run's history stays right on every replay.
/// </summary>
/// <remarks>A missing version answers null (a fact: the run fails at once); a store outage throws and is retried.</remarks>
public sealed class LoadWorkflowActivity(IWorkflowStore workflows) : TaskActivity<WorkflowReference, WorkflowDefinition?>
{
    /// <inheritdoc />
    public override async Task<WorkflowDefinition?> RunAsync(TaskActivityContext context, WorkflowReference input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (await workflows.GetAsync(input.Id, input.Version))?.Definition;
    }
}
