using static ShipSec.Functions.Http.ApiRoute;

namespace ShipSec.Functions.Http;

/// <summary>
/// Every HTTP route of the API, in one list: method, route, function, the least role a caller needs, the body
/// it takes, and the call that serves it. The Functions app serves it through the <c>[Function]</c> methods'
/// <c>[HttpTrigger]</c> attributes (a test holds them and functions.metadata to this table); the local host maps
/// exactly these rows. Both hosts admit a request through <see cref="ApiGate"/> with the row it matched.
/// </summary>
public static class ApiRoutes
{
    /// <summary>The route table.</summary>
    public static IReadOnlyList<ApiRoute> Table { get; } =
    [
        Get("health", nameof(HealthFunction.Health), ApiRole.Anyone,
            static (c, ct) => c.Function<HealthFunction>().Health(c.Request, ct)),

        // Workflows
        Post("workflows", nameof(WorkflowFunctions.CreateWorkflow), ApiRole.Admin, ApiBody.Workflow,
            static (c, ct) => c.Function<WorkflowFunctions>().CreateWorkflow(c.Request, ct)),
        Get("workflows/{workflowId}", nameof(WorkflowFunctions.GetWorkflow), ApiRole.Viewer,
            static (c, ct) => c.Function<WorkflowFunctions>().GetWorkflow(c.Request, c.Route("workflowId"), ct)),
        Get("workflows/{workflowId}/versions/{version}", nameof(ReplayFunctions.GetWorkflowVersion), ApiRole.Viewer,
            static (c, ct) => c.Function<ReplayFunctions>().GetWorkflowVersion(c.Request, c.Route("workflowId"), c.Route("version"), ct)),
        Get("workflows/{workflowId}/runs/timeline", nameof(ReplayFunctions.GetRunTimeline), ApiRole.Viewer,
            static (c, ct) => c.Function<ReplayFunctions>().GetRunTimeline(c.Request, c.Route("workflowId"), ct)),

        // Runs
        Post("workflows/{workflowId}/runs", nameof(RunFunctions.StartRun), ApiRole.Operator, ApiBody.RunInputs,
            static (c, ct) => c.Function<RunFunctions>().StartRun(c.Request, c.DurableClient(), c.Route("workflowId"), ct)),
        Get("workflows/runs", nameof(RunFunctions.ListRuns), ApiRole.Viewer,
            static (c, ct) => c.Function<RunFunctions>().ListRuns(c.Request, ct)),
        Get("workflows/runs/{runId}/status", nameof(RunFunctions.GetRunStatus), ApiRole.Viewer,
            static (c, ct) => c.Function<RunFunctions>().GetRunStatus(c.Request, c.DurableClient(), c.Route("runId"), ct)),
        Get("workflows/runs/{runId}/trace", nameof(RunFunctions.GetRunTrace), ApiRole.Viewer,
            static (c, ct) => c.Function<RunFunctions>().GetRunTrace(c.Request, c.Route("runId"), ct)),
        Post("workflows/runs/{runId}/rerun", nameof(RunFunctions.RerunRun), ApiRole.Operator, ApiBody.Control,
            static (c, ct) => c.Function<RunFunctions>().RerunRun(c.Request, c.DurableClient(), c.Route("runId"), ct)),
        Post("workflows/runs/{runId}/nodes/{nodeId}/decision", nameof(RunFunctions.DecideApproval), ApiRole.Operator, ApiBody.Control,
            static (c, ct) => c.Function<RunFunctions>().DecideApproval(c.Request, c.DurableClient(), c.Route("runId"), c.Route("nodeId"), ct)),
        Post("workflows/runs/{runId}/cancel", nameof(RunFunctions.CancelRun), ApiRole.Operator, ApiBody.Control,
            static (c, ct) => c.Function<RunFunctions>().CancelRun(c.Request, c.DurableClient(), c.Route("runId"), ct)),

        // Schedules
        Post("workflows/{workflowId}/schedules", nameof(ScheduleFunctions.CreateSchedule), ApiRole.Operator, ApiBody.RunInputs,
            static (c, ct) => c.Function<ScheduleFunctions>().CreateSchedule(c.Request, c.DurableClient(), c.Route("workflowId"), ct)),
        Get("workflows/{workflowId}/schedules", nameof(ScheduleFunctions.ListSchedules), ApiRole.Viewer,
            static (c, ct) => c.Function<ScheduleFunctions>().ListSchedules(c.Request, c.Route("workflowId"), ct)),
        Delete("workflows/{workflowId}/schedules/{scheduleId}", nameof(ScheduleFunctions.DeleteSchedule), ApiRole.Operator,
            static (c, ct) => c.Function<ScheduleFunctions>().DeleteSchedule(c.Request, c.Route("workflowId"), c.Route("scheduleId"), ct)),

        // Replay
        Get("workflows/runs/{runId}/state", nameof(ReplayFunctions.GetRunState), ApiRole.Viewer,
            static (c, ct) => c.Function<ReplayFunctions>().GetRunState(c.Request, c.Route("runId"), ct)),
        Get("workflows/runs/{runId}/nodes/{nodeId}", nameof(ReplayFunctions.InspectNode), ApiRole.Viewer,
            static (c, ct) => c.Function<ReplayFunctions>().InspectNode(c.Request, c.Route("runId"), c.Route("nodeId"), ct)),
        Get("workflows/runs/{runId}/nodes/{nodeId}/terminal", nameof(InspectFunctions.GetNodeTerminal), ApiRole.Viewer,
            static (c, ct) => c.Function<InspectFunctions>().GetNodeTerminal(c.Request, c.Route("runId"), c.Route("nodeId"), ct)),
        Get("workflows/runs/{runId}/attempts", nameof(InspectFunctions.GetRunAttempts), ApiRole.Viewer,
            static (c, ct) => c.Function<InspectFunctions>().GetRunAttempts(c.Request, c.Route("runId"), ct)),
        // otherRunId "baseline" compares the run with its baseline (run ids are never that word).
        Get("workflows/runs/{runId}/diff/{otherRunId}", nameof(ReplayFunctions.DiffRuns), ApiRole.Viewer,
            static (c, ct) => c.Function<ReplayFunctions>().DiffRuns(c.Request, c.Route("runId"), c.Route("otherRunId"), ct)),

        // Findings
        Get("workflows/runs/{runId}/findings", nameof(FindingFunctions.GetRunFindings), ApiRole.Viewer,
            static (c, ct) => c.Function<FindingFunctions>().GetRunFindings(c.Request, c.Route("runId"), ct)),

        // Baselines and a workflow's findings history
        Put("workflows/{workflowId}/baseline", nameof(BaselineFunctions.PinBaseline), ApiRole.Operator, ApiBody.Control,
            static (c, ct) => c.Function<BaselineFunctions>().PinBaseline(c.Request, c.Route("workflowId"), ct)),
        Delete("workflows/{workflowId}/baseline", nameof(BaselineFunctions.UnpinBaseline), ApiRole.Operator,
            static (c, ct) => c.Function<BaselineFunctions>().UnpinBaseline(c.Request, c.Route("workflowId"), ct)),
        Get("workflows/{workflowId}/findings", nameof(BaselineFunctions.GetWorkflowFindings), ApiRole.Viewer,
            static (c, ct) => c.Function<BaselineFunctions>().GetWorkflowFindings(c.Request, c.Route("workflowId"), ct)),

        // Search across runs
        Get("search", nameof(SearchFunctions.SearchRuns), ApiRole.Viewer,
            static (c, ct) => c.Function<SearchFunctions>().SearchRuns(c.Request, ct)),

        // Artifacts
        Get("workflows/runs/{runId}/artifacts/{artifactId}", nameof(ArtifactFunctions.DownloadArtifact), ApiRole.Viewer,
            static (c, ct) => c.Function<ArtifactFunctions>().DownloadArtifact(c.Request, c.Route("runId"), c.Route("artifactId"), ct)),
        Get("workflows/runs/{runId}/artifacts/{artifactId}/link", nameof(ArtifactFunctions.GetArtifactLink), ApiRole.Viewer,
            static (c, ct) => c.Function<ArtifactFunctions>().GetArtifactLink(c.Request, c.Route("runId"), c.Route("artifactId"), ct)),

        // Live updates
        Post("negotiate", nameof(RealtimeFunctions.Negotiate), ApiRole.Viewer, ApiBody.Control,
            static (c, ct) => c.Function<RealtimeFunctions>().Negotiate(c.Request, ct)),
        Post("workflows/runs/{runId}/subscribe", nameof(RealtimeFunctions.SubscribeRun), ApiRole.Viewer, ApiBody.Control,
            static (c, ct) => c.Function<RealtimeFunctions>().SubscribeRun(c.Request, c.Route("runId"), ct)),
        Post("workflows/runs/{runId}/unsubscribe", nameof(RealtimeFunctions.UnsubscribeRun), ApiRole.Viewer, ApiBody.Control,
            static (c, ct) => c.Function<RealtimeFunctions>().UnsubscribeRun(c.Request, c.Route("runId"), ct)),
        Post("workflows/runs/subscribe", nameof(RealtimeFunctions.SubscribeRuns), ApiRole.Viewer, ApiBody.Control,
            static (c, ct) => c.Function<RealtimeFunctions>().SubscribeRuns(c.Request, ct)),
    ];

    private static readonly Dictionary<string, ApiRoute> ByFunctionName = Table.ToDictionary(r => r.Function, StringComparer.Ordinal);

    /// <summary>The row of the <c>[Function]</c> named <paramref name="function"/>; null for functions that are not HTTP routes.</summary>
    public static ApiRoute? ForFunction(string function) => ByFunctionName.GetValueOrDefault(function);
}
