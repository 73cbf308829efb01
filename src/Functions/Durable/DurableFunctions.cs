using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using ShipSec.Orchestrations;

namespace ShipSec.Functions.Durable;

/// <summary>
/// Durable Functions triggers: thin adapters over the same orchestrator and activity classes the local
/// host runs on the Durable Task Framework.
/// </summary>
public sealed class DurableFunctions(
    RunNodeActivity runNode, RunNodesActivity runNodes, LoadWorkflowActivity loadWorkflow, RecordRunEventsActivity recordRunEvents, PlanRunAlertsActivity planRunAlerts, DeliverAlertActivity deliverAlert)
{
    /// <summary>The workflow run orchestration.</summary>
    [Function(OrchestratorNames.WorkflowRun)]
    public static Task<WorkflowRunResult> WorkflowRun([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new WorkflowRunOrchestrator().RunAsync(context, context.GetInput<WorkflowRunInput>()
            ?? throw new InvalidOperationException("The orchestration was started without its input."));
    }

    /// <summary>The stored workflow version a run executes.</summary>
    [Function(ActivityNames.LoadWorkflow)]
    public Task<ShipSec.Shared.Dsl.WorkflowDefinition?> LoadWorkflow([ActivityTrigger] WorkflowReference input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return loadWorkflow.RunAsync(new FunctionActivityContext(ActivityNames.LoadWorkflow, input.Id), input);
    }

    /// <summary>One attempt of one node.</summary>
    [Function(ActivityNames.RunNode)]
    public Task<NodeAttemptResult> RunNode([ActivityTrigger] RunNodeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return runNode.RunAsync(new FunctionActivityContext(ActivityNames.RunNode, input.RunId), input);
    }

    /// <summary>The first attempts of a batch of a large run's ready nodes.</summary>
    [Function(ActivityNames.RunNodes)]
    public Task<IReadOnlyList<NodeRunResult>> RunNodes([ActivityTrigger] NodeBatchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return runNodes.RunAsync(new FunctionActivityContext(ActivityNames.RunNodes, input.RunId), input);
    }

    /// <summary>Run-level events decided by the orchestrator.</summary>
    [Function(ActivityNames.RecordRunEvents)]
    public Task<bool> RecordRunEvents([ActivityTrigger] RunEventsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return recordRunEvents.RunAsync(new FunctionActivityContext(ActivityNames.RecordRunEvents, input.RunId), input);
    }

    /// <summary>Which alerts a run that ended sends.</summary>
    [Function(ActivityNames.PlanRunAlerts)]
    public Task<IReadOnlyList<AlertDelivery>> PlanRunAlerts([ActivityTrigger] RunAlertsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return planRunAlerts.RunAsync(new FunctionActivityContext(ActivityNames.PlanRunAlerts, input.RunId), input);
    }

    /// <summary>One attempt to deliver one alert.</summary>
    [Function(ActivityNames.DeliverAlert)]
    public Task<AlertOutcome> DeliverAlert([ActivityTrigger] AlertDelivery input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return deliverAlert.RunAsync(new FunctionActivityContext(ActivityNames.DeliverAlert, input.RunId), input);
    }

    /// <summary>The activity context our activities receive under the Functions trigger binding.</summary>
    private sealed class FunctionActivityContext(string name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = new(name);

        public override string InstanceId { get; } = instanceId;
    }
}
