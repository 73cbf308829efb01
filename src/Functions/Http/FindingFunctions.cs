using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Http;

/// <summary>A run's findings, as JSON or as SARIF 2.1.0.</summary>
public sealed class FindingFunctions(IRunStore runs, IRunFindings findings)
{
    /// <summary>
    /// <c>GET /api/workflows/runs/{runId}/findings?severity=&amp;nodeId=&amp;format=json|sarif</c>: the run's distinct
    /// findings, most severe first, with counts by severity; <c>format=sarif</c> answers a SARIF log.
    /// </summary>
    [Function(nameof(GetRunFindings))]
    public async Task<IActionResult> GetRunFindings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs/{runId}/findings")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        FindingSeverity? severity = null;
        if (request.Query["severity"].FirstOrDefault() is { Length: > 0 } severityText)
        {
            if (!WireName.TryParse<FindingSeverity>(severityText, out var parsed))
            {
                return Problems.InvalidParameter("?severity", "'severity' must be one of info, low, medium, high, critical.");
            }

            severity = parsed;
        }

        var format = request.Query["format"].FirstOrDefault() ?? "json";
        if (format is not ("json" or "sarif"))
        {
            return Problems.InvalidParameter("?format", "'format' must be json or sarif.");
        }

        if (await runs.GetAsync(runId, cancellationToken) is not { } run)
        {
            return Problems.RunNotFound(runId);
        }

        var nodeId = request.Query["nodeId"].FirstOrDefault();
        var list = await findings.ListAsync(runId, severity, string.IsNullOrEmpty(nodeId) ? null : nodeId, cancellationToken);
        if (format == "sarif")
        {
            return new JsonResult(SarifLog.Of(runId, run.WorkflowId, list), ShipSecJson.Options)
            {
                StatusCode = StatusCodes.Status200OK,
                ContentType = SarifLog.ContentType,
            };
        }

        return ApiResponses.Ok(new RunFindingsResponse(runId, list, FindingCounts.Of(list.Select(f => f.Severity))));
    }
}

/// <summary>The body of <c>GET /api/workflows/runs/{runId}/findings</c>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Findings">Its distinct findings, most severe first.</param>
/// <param name="Counts">Those findings by severity.</param>
public sealed record RunFindingsResponse(string RunId, IReadOnlyList<RunFinding> Findings, FindingCounts Counts);
