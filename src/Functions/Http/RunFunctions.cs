using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ShipSec.Functions.Runs;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Http;

/// <summary>Starting, watching and cancelling runs.</summary>
public sealed class RunFunctions(RunLauncher launcher, RunReconciler reconciler, IRunStore runs, ITraceStore traces)
{
    private const int DefaultTraceLimit = 500;
    private const int MaxTraceLimit = 5000;
    private const int DefaultRunLimit = 50;
    private const int MaxRunLimit = 500;

    /// <summary>
    /// <c>POST /api/workflows/{workflowId}/runs</c> with an optional body <c>{"inputs": {…}}</c>: starts a run; 202 with
    /// its id and where to watch it, or 400 naming each refused input (<c>/inputs/&lt;name&gt;</c>), with nothing started.
    /// </summary>
    [Function(nameof(StartRun))]
    public async Task<IActionResult> StartRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/{workflowId}/runs")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string workflowId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (inputs, bodyProblem) = await ReadInputsAsync(request, cancellationToken);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        var start = await launcher.StartAsync(client, workflowId, inputs, ApiPrincipal.Of(request).Name, request.Headers.TraceParent.FirstOrDefault(), cancellationToken);
        if (start.WorkflowNotFound)
        {
            return Problems.WorkflowNotFound(workflowId);
        }

        if (start.Run is not { } run)
        {
            return Problems.InvalidInputs(start.Problems);
        }

        var statusUrl = ApiResponses.Url(request, $"workflows/runs/{run.RunId}/status");
        return ApiResponses.Accepted(request, statusUrl, new
        {
            runId = run.RunId,
            workflowId = run.WorkflowId,
            workflowVersion = run.WorkflowVersion,
            status = RunStatus.Queued,
            statusUrl,
            traceUrl = ApiResponses.Url(request, $"workflows/runs/{run.RunId}/trace"),
            cancelUrl = ApiResponses.Url(request, $"workflows/runs/{run.RunId}/cancel"),
        });
    }

    /// <summary>
    /// <c>GET /api/workflows/runs/{runId}/status</c>: the run's summary. An unfinished run that has been quiet for a
    /// while is first checked against its orchestration (<see cref="RunReconciler"/>), so a run whose orchestration
    /// ended without recording it never reads as <c>running</c>.
    /// </summary>
    [Function(nameof(GetRunStatus))]
    public async Task<IActionResult> GetRunStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs/{runId}/status")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId,
        CancellationToken cancellationToken)
    {
        if (await runs.GetAsync(runId, cancellationToken) is not { } summary)
        {
            return Problems.RunNotFound(runId);
        }

        if (reconciler.IsStale(summary) && await ReconcileIfReachableAsync(client, summary, cancellationToken))
        {
            summary = await runs.GetAsync(runId, cancellationToken) ?? summary;
        }

        return ApiResponses.Ok(summary);
    }

    // The summary is the answer; when orchestration storage is down it is answered as stored.
    private async Task<bool> ReconcileIfReachableAsync(DurableTaskClient client, RunSummary summary, CancellationToken cancellationToken)
    {
        try
        {
            return await reconciler.ReconcileAsync(client, summary, cancellationToken) is null;
        }
        catch (Exception exception) when (DependencyOutages.Describe(exception) == "storage")
        {
            return false;
        }
    }

    /// <summary><c>GET /api/workflows/runs/{runId}/trace?after=&amp;limit=</c>: trace events after a cursor, in sequence order.</summary>
    [Function(nameof(GetRunTrace))]
    public async Task<IActionResult> GetRunTrace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs/{runId}/trace")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!QueryParameters.TryReadLong(request, "after", 0, 0, long.MaxValue, out var after, out var problem)
            || !QueryParameters.TryReadLong(request, "limit", DefaultTraceLimit, 1, MaxTraceLimit, out var limit, out problem))
        {
            return problem!;
        }

        if (await runs.GetAsync(runId, cancellationToken) is null)
        {
            return Problems.RunNotFound(runId);
        }

        var page = await traces.ReadAsync(runId, after, (int)limit, cancellationToken);
        return ApiResponses.Ok(new
        {
            runId,
            events = page.Events,
            nextCursor = page.NextCursor,
            hasMore = page.HasMore,
            next = ApiResponses.Url(request, $"workflows/runs/{runId}/trace?after={page.NextCursor}&limit={limit}"),
        });
    }

    /// <summary><c>GET /api/workflows/runs?workflowId=&amp;limit=</c>: runs, newest first.</summary>
    [Function(nameof(ListRuns))]
    public async Task<IActionResult> ListRuns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!QueryParameters.TryReadLong(request, "limit", DefaultRunLimit, 1, MaxRunLimit, out var limit, out var problem))
        {
            return problem!;
        }

        var workflowId = request.Query["workflowId"].FirstOrDefault();
        var list = await runs.ListAsync(string.IsNullOrWhiteSpace(workflowId) ? null : workflowId, (int)limit, cancellationToken);
        return ApiResponses.Ok(new { runs = list });
    }

    /// <summary><c>POST /api/workflows/runs/{runId}/cancel</c>: stops a run; 202 when accepted.</summary>
    [Function(nameof(CancelRun))]
    public async Task<IActionResult> CancelRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/runs/{runId}/cancel")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId,
        CancellationToken cancellationToken)
        => await launcher.CancelAsync(client, runId, ApiPrincipal.Of(request).Name, cancellationToken) switch
        {
            CancelOutcome.NotFound => Problems.RunNotFound(runId),
            CancelOutcome.AlreadyEnded => Problems.Conflict("run-ended", $"Run '{runId}' has already ended; there is nothing to cancel."),
            _ => ApiResponses.Accepted(request, ApiResponses.Url(request, $"workflows/runs/{runId}/status"), new { runId, cancellationRequested = true }),
        };

    /// <summary>The body's <c>inputs</c> object; none for an empty body.</summary>
    private static async Task<(IReadOnlyDictionary<string, JsonElement>? Inputs, IActionResult? Problem)> ReadInputsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // ApiGate has bounded the body (Api:MaxRunInputBytes); reading past it answers 413.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.ToArray().All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, Problems.InvalidBody("/", "The body must be a JSON object such as {\"inputs\": {\"target\": \"127.0.0.1\"}}."));
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "inputs")
                {
                    return (null, Problems.InvalidBody($"/{property.Name}", $"Unknown property '{property.Name}'; the body may only hold 'inputs'."));
                }
            }

            if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind == JsonValueKind.Null)
            {
                return (null, null);
            }

            if (inputs.ValueKind != JsonValueKind.Object)
            {
                return (null, Problems.InvalidBody("/inputs", "'inputs' must be an object of input values by name."));
            }

            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in inputs.EnumerateObject())
            {
                if (!values.TryAdd(property.Name, property.Value.Clone()))
                {
                    return (null, Problems.InvalidBody($"/inputs/{property.Name}", $"Input '{property.Name}' is given twice."));
                }
            }

            return (values, null);
        }
        catch (JsonException exception)
        {
            return (null, Problems.InvalidBody("/", $"The body is not valid JSON: {exception.Message}"));
        }
    }
}
