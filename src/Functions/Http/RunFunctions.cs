using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ShipSec.Functions.Runs;
using ShipSec.Orchestrations;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Http;

/// <summary>The body of a decision on an approval step.</summary>
/// <param name="Approve">True to approve, false to reject (required).</param>
/// <param name="Comment">Why, for the trace.</param>
public sealed record DecisionRequest(bool? Approve, string? Comment);

/// <summary>Starting, watching and cancelling runs.</summary>
public sealed class RunFunctions(RunLauncher launcher, RunReconciler reconciler, IRunStore runs, ITraceStore traces, IdempotentStarts idempotent, ShipSec.Shared.Dsl.IWorkflowStore workflows)
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
        // The body is read inside: the idempotency fingerprint reads it first.
        return await idempotent.StartAsync(request, async runId =>
        {
            var (inputs, bodyProblem) = await ReadInputsAsync(request, cancellationToken);
            if (bodyProblem is not null)
            {
                return (bodyProblem, false);
            }

            var start = await launcher.StartAsync(
                client, workflowId, runId, inputs, ApiPrincipal.Of(request).Name, request.Headers.TraceParent.FirstOrDefault(), cancellationToken);
            return start switch
            {
                { WorkflowNotFound: true } => (Problems.WorkflowNotFound(workflowId), false),
                { Run: { } run } => (Started(request, run, null, 0), true),
                _ => (Problems.InvalidInputs(start.Problems), false),
            };
        }, summary => Repeated(request, summary), cancellationToken);
    }

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

            return root.TryGetProperty("inputs", out var inputs) ? InputValues.Read(inputs) : (null, null);
        }
        catch (JsonException exception)
        {
            return (null, Problems.InvalidBody("/", $"The body is not valid JSON: {exception.Message}"));
        }
    }

    /// <summary>
    /// <c>POST /api/workflows/runs/{runId}/rerun</c> <c>[{fromNode} | {from: "failed"}]</c>: a new run of the same workflow
    /// version with the same inputs; with <c>fromNode</c> or <c>from</c> a resume that reuses the parent's outputs of the
    /// nodes it does not re-execute. 202 like a start, with <c>parentRunId</c>.
    /// </summary>
    [Function(nameof(RerunRun))]
    public async Task<IActionResult> RerunRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/runs/{runId}/rerun")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The body is read inside: the idempotency fingerprint reads it first.
        return await idempotent.StartAsync(request, async newRunId =>
        {
            var (body, invalid) = await ReadRerunRequestAsync(request, cancellationToken);
            if (invalid is not null)
            {
                return (invalid, false);
            }

            var rerun = await launcher.RerunAsync(
                client, runId, body!, newRunId, ApiPrincipal.Of(request).Name, request.Headers.TraceParent.FirstOrDefault(), cancellationToken);
            return (RerunResponse(request, runId, body!, rerun), rerun.Run is not null);
        }, summary => Repeated(request, summary), cancellationToken);
    }

    private static IActionResult RerunResponse(HttpRequest request, string runId, RerunRequest body, RerunStart rerun)
        => rerun.Refusal switch
        {
            null => Started(request, rerun.Run!, runId, rerun.ReusedNodes),
            RerunRefusal.ParentNotFound => Problems.RunNotFound(runId),
            RerunRefusal.ParentUnavailable => Problems.Conflict("run-record-gone", $"Run '{runId}' no longer has its orchestration record (workflow version, inputs and outputs); it cannot be re-run."),
            RerunRefusal.ParentNotEnded => Problems.Conflict("run-not-ended", $"Run '{runId}' has not ended; a resume reuses its outputs, so it must end first (a plain re-run needs no body)."),
            RerunRefusal.ParentNotFailed => Problems.Conflict("run-not-failed", $"Run '{runId}' did not fail; 'from: failed' resumes a failed run (use fromNode to resume from a node)."),
            _ => Problems.InvalidBody("/fromNode", $"Run '{runId}''s workflow version has no node '{body.FromNode}'."),
        };

    private static async Task<(RerunRequest? Body, IActionResult? Problem)> ReadRerunRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        RerunRequest? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonSerializer.DeserializeAsync<RerunRequest>(request.Body, ShipSecJson.Options, cancellationToken);
            }
            catch (JsonException)
            {
                return (null, Problems.InvalidBody("", "The body, when given, must be JSON like {\"fromNode\": \"<nodeId>\"} or {\"from\": \"failed\"}."));
            }
        }

        body ??= new RerunRequest();
        if (body.FromNode is not null && body.From is not null)
        {
            return (null, Problems.InvalidBody("/from", "Give either 'fromNode' or 'from', not both."));
        }

        if (body.From is { } from && from != RerunRequest.FromFailed)
        {
            return (null, Problems.InvalidBody("/from", $"'from' takes only \"{RerunRequest.FromFailed}\"."));
        }

        if (body.FromNode is { } node && string.IsNullOrWhiteSpace(node))
        {
            return (null, Problems.InvalidBody("/fromNode", "'fromNode' must name a node."));
        }

        return (body, null);
    }

    // A repeat of a start whose Idempotency-Key already stands for a run: 200 with that run, as it is now.
    private static JsonResult Repeated(HttpRequest request, RunSummary run) => ApiResponses.Ok(new
    {
        runId = run.RunId,
        workflowId = run.WorkflowId,
        workflowVersion = run.WorkflowVersion,
        status = run.Status,
        parentRunId = run.ParentRunId,
        statusUrl = ApiResponses.Url(request, $"workflows/runs/{run.RunId}/status"),
        traceUrl = ApiResponses.Url(request, $"workflows/runs/{run.RunId}/trace"),
        cancelUrl = ApiResponses.Url(request, $"workflows/runs/{run.RunId}/cancel"),
    });

    private static IActionResult Started(HttpRequest request, StartedRun run, string? parentRunId, int reusedNodes)
    {
        var statusUrl = ApiResponses.Url(request, $"workflows/runs/{run.RunId}/status");
        return ApiResponses.Accepted(request, statusUrl, new
        {
            runId = run.RunId,
            workflowId = run.WorkflowId,
            workflowVersion = run.WorkflowVersion,
            status = RunStatus.Queued,
            parentRunId,
            reusedNodes = parentRunId is null ? (int?)null : reusedNodes,
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

        if (reconciler.IsDueForCheck(summary) && await ReconcileIfReachableAsync(client, summary, cancellationToken))
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

    /// <summary>
    /// <c>POST /api/workflows/runs/{runId}/nodes/{nodeId}/decision</c> <c>{"approve": true|false, "comment": "…"}</c>: decides an
    /// approval step that is waiting; 202, or 409 when the node is not waiting. The trace names who decided.
    /// </summary>
    [Function(nameof(DecideApproval))]
    public async Task<IActionResult> DecideApproval(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/runs/{runId}/nodes/{nodeId}/decision")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId,
        string nodeId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        DecisionRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<DecisionRequest>(request.Body, ShipSecJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body?.Approve is not { } approve)
        {
            return Problems.InvalidBody("/approve", "The body must be JSON like {\"approve\": true, \"comment\": \"…\"}; 'approve' is required.");
        }

        var caller = ApiPrincipal.Of(request);
        switch (await runs.GetNodeStatusAsync(runId, nodeId, cancellationToken))
        {
            case null:
                return Problems.RunNotFound(runId);
            case NodeStatus.Waiting:
                break;
            case var status:
                return Problems.Conflict("node-not-waiting", $"Node '{nodeId}' of run '{runId}' is {WireName.Of(status.Value)}, not waiting for a decision.");
        }

        // Who may decide is the step's own input (after its $input bindings), read from the run's orchestration input.
        var run = (await client.GetInstancesAsync(runId, getInputsAndOutputs: true, cancellationToken))?.ReadInputAs<WorkflowRunInput>();
        var workflow = run is null ? null : await workflows.GetAsync(run.Workflow.Id, run.Workflow.Version, cancellationToken);
        if (workflow?.Definition.Nodes.FirstOrDefault(n => n.Id == nodeId) is { } node
            && ApprovalRequest.From(node, run!.Inputs) is { Approvers.Count: > 0 } asked
            && !asked.Approvers.Contains(caller.Name, StringComparer.Ordinal))
        {
            return Problems.NotAnApprover(caller.Name, nodeId, asked.Approvers);
        }

        await client.RaiseEventAsync(
            runId, ApprovalRequest.EventName(nodeId), new ApprovalDecision(approve, body.Comment, caller.Name), cancellationToken);
        return ApiResponses.Accepted(request, ApiResponses.Url(request, $"workflows/runs/{runId}/status"), new { runId, nodeId, approve, decidedBy = caller.Name });
    }
}
