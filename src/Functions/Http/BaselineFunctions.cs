using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Http;

/// <summary>A workflow's baseline (pinned or not) and its open findings with their history across runs.</summary>
public sealed class BaselineFunctions(IRunBaselines baselines, IRunFindings findings, IWorkflowStore workflows, TimeProvider clock)
{
    /// <summary>The <c>otherRunId</c> of <c>GET /api/workflows/runs/{runId}/diff/{otherRunId}</c> that means "its baseline".</summary>
    public const string BaselineSegment = "baseline";

    /// <summary><c>PUT /api/workflows/{workflowId}/baseline {"runId": …}</c>: every later run of the workflow is compared with that run.</summary>
    [Function(nameof(PinBaseline))]
    public async Task<IActionResult> PinBaseline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "workflows/{workflowId}/baseline")] HttpRequest request,
        string workflowId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await workflows.GetAsync(workflowId, cancellationToken) is null)
        {
            return Problems.WorkflowNotFound(workflowId);
        }

        // ApiGate has bounded the body (Api:MaxControlBytes).
        string? runId;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            runId = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("runId", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            runId = null;
        }

        if (string.IsNullOrWhiteSpace(runId))
        {
            return Problems.InvalidBody("/runId", "The body must be {\"runId\": \"<id of a run of this workflow>\"}.");
        }

        return await baselines.PinAsync(workflowId, runId, clock.GetUtcNow(), cancellationToken)
            ? ApiResponses.Ok(new { workflowId, runId, pinned = true })
            : Problems.BaselineRunNotInWorkflow(workflowId, runId);
    }

    /// <summary><c>DELETE /api/workflows/{workflowId}/baseline</c>: back to "the latest earlier completed run with the same inputs"; 204.</summary>
    [Function(nameof(UnpinBaseline))]
    public async Task<IActionResult> UnpinBaseline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "workflows/{workflowId}/baseline")] HttpRequest request,
        string workflowId,
        CancellationToken cancellationToken)
    {
        if (await workflows.GetAsync(workflowId, cancellationToken) is null)
        {
            return Problems.WorkflowNotFound(workflowId);
        }

        await baselines.UnpinAsync(workflowId, cancellationToken);
        return new NoContentResult();
    }

    /// <summary>
    /// <c>GET /api/workflows/{workflowId}/findings</c>: the open findings (those of the latest completed run), most
    /// severe first, each with <c>firstSeenRunId</c>, <c>firstSeenAt</c> and <c>lastSeenRunId</c>; and the pinned baseline.
    /// </summary>
    [Function(nameof(GetWorkflowFindings))]
    public async Task<IActionResult> GetWorkflowFindings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/{workflowId}/findings")] HttpRequest request,
        string workflowId,
        CancellationToken cancellationToken)
    {
        if (await workflows.GetAsync(workflowId, cancellationToken) is null)
        {
            return Problems.WorkflowNotFound(workflowId);
        }

        var open = await findings.ListOpenAsync(workflowId, cancellationToken);
        var pinned = await baselines.PinnedAsync(workflowId, cancellationToken);
        return ApiResponses.Ok(new
        {
            open.WorkflowId,
            open.LatestRunId,
            pinnedBaselineRunId = pinned,
            findings = open.Findings.Select(f => new
            {
                f.Finding.Fingerprint,
                f.Finding.RuleId,
                f.Finding.Title,
                f.Finding.Severity,
                f.Finding.Asset,
                f.Finding.Evidence,
                f.Finding.NodeId,
                f.FirstSeenRunId,
                f.FirstSeenAt,
                f.LastSeenRunId,
            }),
            open.Counts,
        });
    }
}
