using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;

namespace ShipSec.Functions.Http;

/// <summary>Inspecting a run beyond its state: a node's terminal output, and where the run's time went.</summary>
public sealed class InspectFunctions(RunReplay replay, IRunStore runs)
{
    /// <summary>
    /// <c>GET /api/workflows/runs/{runId}/nodes/{nodeId}/terminal?format=text|cast&amp;attempt=</c>: what the node's
    /// processes printed in one attempt (its last by default): <c>text</c> without escape sequences, <c>cast</c> as an
    /// asciicast v2 recording with the colours and the original timing.
    /// </summary>
    [Function(nameof(GetNodeTerminal))]
    public async Task<IActionResult> GetNodeTerminal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs/{runId}/nodes/{nodeId}/terminal")] HttpRequest request,
        string runId,
        string nodeId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var format = request.Query["format"].FirstOrDefault() is { Length: > 0 } given ? given : "text";
        if (format is not ("text" or "cast"))
        {
            return Problems.InvalidParameter("?format", "'format' must be text or cast.");
        }

        // 0 stands for "absent": the last attempt.
        if (!QueryParameters.TryReadLong(request, "attempt", 0, 1, int.MaxValue, out var attemptNumber, out var problem))
        {
            return problem!;
        }

        int? attempt = attemptNumber == 0 ? null : (int)attemptNumber;

        if (await runs.GetAsync(runId, cancellationToken) is not { } run)
        {
            return Problems.RunNotFound(runId);
        }

        if (await replay.TerminalAsync(run, nodeId, attempt, cancellationToken) is not { } terminal)
        {
            return Problems.NodeNotFound(runId, nodeId);
        }

        return format == "cast"
            ? new ContentResult { Content = terminal.Cast(), ContentType = NodeTerminal.CastContentType, StatusCode = StatusCodes.Status200OK }
            : new ContentResult { Content = terminal.Text(), ContentType = "text/plain; charset=utf-8", StatusCode = StatusCodes.Status200OK };
    }

    /// <summary>
    /// <c>GET /api/workflows/runs/{runId}/attempts</c>: every attempt of the run as an interval of phases (queued,
    /// running, waiting for approval, retry backoff) and the critical path through the DAG.
    /// </summary>
    [Function(nameof(GetRunAttempts))]
    public async Task<IActionResult> GetRunAttempts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs/{runId}/attempts")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await runs.GetAsync(runId, cancellationToken) is { } run
            ? ApiResponses.Ok(await replay.AttemptsAsync(run, static node => node.DependencyIds(), cancellationToken))
            : Problems.RunNotFound(runId);
    }
}
