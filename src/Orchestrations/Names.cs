namespace ShipSec.Orchestrations;

/// <summary>Orchestrator names, shared by every host so a rename cannot split them.</summary>
public static class OrchestratorNames
{
    /// <summary>Runs one workflow: <see cref="WorkflowRunOrchestrator"/>.</summary>
    public const string WorkflowRun = "WorkflowRun";
}

/// <summary>Activity names, shared by every host.</summary>
public static class ActivityNames
{
    /// <summary>Runs one attempt of one node: <see cref="RunNodeActivity"/>.</summary>
    public const string RunNode = "RunNode";

    /// <summary>Runs the first attempts of a batch of a large run's ready nodes: <see cref="RunNodesActivity"/>.</summary>
    public const string RunNodes = "RunNodes";

    /// <summary>Loads the stored workflow version a run executes: <see cref="LoadWorkflowActivity"/>.</summary>
    public const string LoadWorkflow = "LoadWorkflow";

    /// <summary>Records run-level trace events decided by the orchestrator: <see cref="RecordRunEventsActivity"/>.</summary>
    public const string RecordRunEvents = "RecordRunEvents";

    /// <summary>Decides which alerts a run that ended sends: <see cref="PlanRunAlertsActivity"/>.</summary>
    public const string PlanRunAlerts = "PlanRunAlerts";

    /// <summary>One attempt to deliver one alert: <see cref="DeliverAlertActivity"/>.</summary>
    public const string DeliverAlert = "DeliverAlert";
}

/// <summary>External events an orchestration listens for.</summary>
public static class OrchestrationEventNames
{
    /// <summary>Asks a run to stop scheduling nodes and end cancelled; its payload is the name of who asked.</summary>
    public const string Cancel = "Cancel";

    /// <summary>The payload of a cancel event whose sender gave no name (runs started before names were sent).</summary>
    public const string CancelRequestedByUnknown = "requested";
}
