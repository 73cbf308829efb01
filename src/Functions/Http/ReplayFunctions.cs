using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Sdk;

namespace ShipSec.Functions.Http;

/// <summary>Replay: a run's state at any moment, the difference between two runs, a workflow's runs over time.</summary>
public sealed class ReplayFunctions(
    RunReplay replay, IRunStore runs, IRunHistory history, IWorkflowStore workflows, IComponentCatalog components, IRunBaselines baselines)
{
    private const int MaxTimelineRuns = 1000;

    /// <summary><c>GET /api/workflows/runs/{runId}/state?at=|?sequence=</c>: the run's folded state then (latest without either).</summary>
    [Function(nameof(GetRunState))]
    public async Task<IActionResult> GetRunState(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs/{runId}/state")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var atText = request.Query["at"].FirstOrDefault();
        var sequenceText = request.Query["sequence"].FirstOrDefault();
        if (!string.IsNullOrEmpty(atText) && !string.IsNullOrEmpty(sequenceText))
        {
            return Problems.InvalidParameter("?sequence", "Give either 'at' or 'sequence', not both.");
        }

        DateTimeOffset? at = null;
        if (!string.IsNullOrEmpty(atText))
        {
            if (!DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return Problems.InvalidParameter("?at", "'at' must be an ISO-8601 timestamp such as 2026-11-25T13:02:00.5Z.");
            }

            at = parsed;
        }

        long? sequence = null;
        if (!string.IsNullOrEmpty(sequenceText))
        {
            if (!long.TryParse(sequenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.InvalidParameter("?sequence", "'sequence' must be a whole number from 0.");
            }

            sequence = parsed;
        }

        if (await runs.GetAsync(runId, cancellationToken) is not { } run)
        {
            return Problems.RunNotFound(runId);
        }

        var state = at is { } moment
            ? await replay.StateAtTimeAsync(run, moment, cancellationToken)
            : await replay.StateAtSequenceAsync(run, sequence, cancellationToken);
        return ApiResponses.Ok(state);
    }

    /// <summary>
    /// <c>GET /api/workflows/runs/{runId}/nodes/{nodeId}</c>: one node of a run for its inspector: definition (secret
    /// literals masked), attempts, artifacts and findings, folded from the run's trace.
    /// </summary>
    [Function(nameof(InspectNode))]
    public async Task<IActionResult> InspectNode(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs/{runId}/nodes/{nodeId}")] HttpRequest request,
        string runId,
        string nodeId,
        CancellationToken cancellationToken)
    {
        if (await runs.GetAsync(runId, cancellationToken) is not { } run)
        {
            return Problems.RunNotFound(runId);
        }

        // ?sequence= shows the node as it was after that event (a replay's moment); without it, as the trace ends.
        if (!QueryParameters.TryReadLong(request, "sequence", long.MaxValue, 0, long.MaxValue, out var upTo, out var problem))
        {
            return problem!;
        }

        if (await replay.InspectNodeAsync(run, nodeId, upTo, cancellationToken) is not { } inspection)
        {
            return Problems.NodeNotFound(runId, nodeId);
        }

        return ApiResponses.Ok(inspection.Definition is { } definition
            ? inspection with { Definition = WorkflowRedaction.Redact(definition, components) }
            : inspection);
    }

    /// <summary><c>GET /api/workflows/runs/{runId}/diff/{otherRunId}</c>: how the other run differs from this one, node by node.</summary>
    /// <remarks><c>GET …/diff/baseline</c> compares the run's baseline (before) with the run (after); 404 when it has none.</remarks>
    [Function(nameof(DiffRuns))]
    public async Task<IActionResult> DiffRuns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs/{runId}/diff/{otherRunId}")] HttpRequest request,
        string runId,
        string otherRunId,
        CancellationToken cancellationToken)
    {
        if (await runs.GetAsync(runId, cancellationToken) is not { } run)
        {
            return Problems.RunNotFound(runId);
        }

        if (otherRunId == BaselineFunctions.BaselineSegment)
        {
            // Against its baseline, the baseline is "before" and the run "after": added findings are new ones.
            if (await baselines.FindAsync(runId, cancellationToken) is not { } choice || await runs.GetAsync(choice.RunId, cancellationToken) is not { } baseline)
            {
                return Problems.NoBaseline(runId, run.WorkflowId);
            }

            return ApiResponses.Ok(await replay.DiffAsync(baseline, run, cancellationToken) with { Baseline = choice });
        }

        if (await runs.GetAsync(otherRunId, cancellationToken) is not { } other)
        {
            return Problems.OtherRunNotFound(otherRunId);
        }

        return ApiResponses.Ok(await replay.DiffAsync(run, other, cancellationToken));
    }

    /// <summary><c>GET /api/workflows/{workflowId}/runs/timeline?from=&amp;to=</c>: the workflow's runs created in the range, oldest first.</summary>
    [Function(nameof(GetRunTimeline))]
    public async Task<IActionResult> GetRunTimeline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/{workflowId}/runs/timeline")] HttpRequest request,
        string workflowId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!QueryParameters.TryReadTime(request, "from", out var from, out var problem) || !QueryParameters.TryReadTime(request, "to", out var to, out problem))
        {
            return problem!;
        }

        if (await workflows.GetAsync(workflowId, cancellationToken) is null)
        {
            return Problems.WorkflowNotFound(workflowId);
        }

        var list = await history.TimelineAsync(workflowId, from, to, MaxTimelineRuns, cancellationToken);
        return ApiResponses.Ok(new RunTimeline(workflowId, list));
    }

    /// <summary><c>GET /api/workflows/{workflowId}/versions/{version}</c>: one stored version of a workflow (the one a run used).</summary>
    [Function(nameof(GetWorkflowVersion))]
    public async Task<IActionResult> GetWorkflowVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/{workflowId}/versions/{version}")] HttpRequest request,
        string workflowId,
        string version,
        CancellationToken cancellationToken)
    {
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            return Problems.InvalidParameter("version", "'version' must be a whole number from 1.");
        }

        if (await workflows.GetAsync(workflowId, number, cancellationToken) is not { } stored)
        {
            return await workflows.GetAsync(workflowId, cancellationToken) is null
                ? Problems.WorkflowNotFound(workflowId)
                : Problems.WorkflowVersionNotFound(workflowId, number);
        }

        return ApiResponses.Ok(WorkflowDescription.Of(stored, components));
    }
}
