namespace ShipSec.Orchestrations;

/// <summary>
/// Every orchestrator and activity by name, so that each host registers exactly the same set: the local
/// host maps these types onto the Durable Task Framework, the Functions app has one trigger per entry.
/// </summary>
public static class OrchestrationCatalog
{
    /// <summary>Orchestrator types by name.</summary>
    public static IReadOnlyDictionary<string, Type> Orchestrators { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [OrchestratorNames.WorkflowRun] = typeof(WorkflowRunOrchestrator),
    };

    /// <summary>Activity types by name.</summary>
    public static IReadOnlyDictionary<string, Type> Activities { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [ActivityNames.RunNode] = typeof(RunNodeActivity),
        [ActivityNames.RunNodes] = typeof(RunNodesActivity),
        [ActivityNames.LoadWorkflow] = typeof(LoadWorkflowActivity),
        [ActivityNames.RecordRunEvents] = typeof(RecordRunEventsActivity),
        [ActivityNames.PlanRunAlerts] = typeof(PlanRunAlertsActivity),
        [ActivityNames.DeliverAlert] = typeof(DeliverAlertActivity),
    };
}
