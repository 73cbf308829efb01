using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Sdk;

namespace ShipSec.Functions.Http;

/// <summary>Registering and reading workflow definitions.</summary>
public sealed class WorkflowFunctions(
    WorkflowDefinitionReader reader,
    IWorkflowStore workflows,
    IComponentCatalog components)
{
    /// <summary><c>POST /api/workflows</c>: validates the DSL document and stores it as the next version of its id.</summary>
    [Function(nameof(CreateWorkflow))]
    public async Task<IActionResult> CreateWorkflow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // ApiGate has bounded the body (Api:MaxWorkflowBytes); reading past it answers 413.
        var result = await reader.ReadAsync(request.Body, cancellationToken);
        if (!result.IsValid)
        {
            return Problems.InvalidWorkflow(result.Problems);
        }

        var stored = await workflows.SaveAsync(result.Workflow!, cancellationToken);
        return ApiResponses.Created(request, ApiResponses.Url(request, $"workflows/{stored.Definition.Id}"), Describe(request, stored));
    }

    /// <summary><c>GET /api/workflows/{workflowId}</c>: the latest version of a workflow.</summary>
    [Function(nameof(GetWorkflow))]
    public async Task<IActionResult> GetWorkflow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/{workflowId}")] HttpRequest request,
        string workflowId,
        CancellationToken cancellationToken)
        => await workflows.GetAsync(workflowId, cancellationToken) is { } stored
            ? ApiResponses.Ok(Describe(request, stored))
            : Problems.WorkflowNotFound(workflowId);

    private WorkflowDescription Describe(HttpRequest request, StoredWorkflow stored)
        => WorkflowDescription.Of(stored, components, ApiResponses.Url(request, $"workflows/{stored.Definition.Id}/runs"));
}
