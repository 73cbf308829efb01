using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ShipSec.Shared.Dsl;

namespace ShipSec.Functions.Http;

/// <summary>One problem in a problem-details response: the field (a JSON pointer or a query parameter) and why.</summary>
/// <param name="Field">Where the problem is, such as <c>/nodes/2/component</c> or <c>?limit</c>.</param>
/// <param name="Code">A machine-readable kind, such as <c>cycle</c>.</param>
/// <param name="Message">What is wrong, for a person.</param>
/// <param name="NodeId">The node at fault, when there is one.</param>
/// <param name="Nodes">Every node involved, for problems such as a cycle.</param>
public sealed record ProblemItem(string Field, string Code, string Message, string? NodeId = null, IReadOnlyList<string>? Nodes = null);

/// <summary>RFC 9457 problem details for every error the API returns.</summary>
public static class Problems
{
    private const string TypePrefix = "urn:shipsec:problem:";

    /// <summary>The workflow document is malformed or invalid; every problem is listed.</summary>
    public static ObjectResult InvalidWorkflow(IReadOnlyList<WorkflowProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return Create(StatusCodes.Status400BadRequest, "invalid-workflow", "The workflow is not valid.",
            $"{problems.Count} problem(s) found: {string.Join(" ", problems.Take(3).Select(p => p.Message))}",
            [.. problems.Select(p => new ProblemItem(p.Field, p.Code, p.Message, p.NodeId, p.Nodes))]);
    }

    /// <summary>The inputs given to start a run are refused; every problem names its <c>/inputs/&lt;name&gt;</c>.</summary>
    public static ObjectResult InvalidInputs(IReadOnlyList<WorkflowProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return Create(StatusCodes.Status400BadRequest, "invalid-inputs", "The run's inputs are not valid.",
            $"{problems.Count} problem(s) found: {string.Join(" ", problems.Take(3).Select(p => p.Message))} Nothing was started.",
            [.. problems.Select(p => new ProblemItem(p.Field, p.Code, p.Message))]);
    }

    /// <summary>A request parameter is invalid.</summary>
    public static ObjectResult InvalidParameter(string parameter, string message)
        => Create(StatusCodes.Status400BadRequest, "invalid-parameter", "A request parameter is not valid.", message,
            [new ProblemItem(parameter, "invalid-value", message)]);

    /// <summary>No valid credential was presented.</summary>
    public static ObjectResult Unauthorized(string detail)
        => Create(StatusCodes.Status401Unauthorized, "unauthorized", "Credentials are required.", detail,
            [new ProblemItem(ApiKeyValidator.HeaderName, "unauthorized", "Missing or wrong API key (or bearer token).")]);

    /// <summary>The caller's role does not reach the route's.</summary>
    public static ObjectResult RoleTooLow(string caller, ApiRole has, ApiRole needs)
        => Create(StatusCodes.Status403Forbidden, "forbidden", "The caller's role does not allow this.",
            $"'{caller}' has the {Wire(has)} role; this needs {Wire(needs)}.",
            [new ProblemItem(ApiKeyValidator.HeaderName, "role-too-low", $"Needs the {Wire(needs)} role or higher.")]);

    /// <summary>A browser sent a state-changing request on behalf of another site.</summary>
    public static ObjectResult CrossSiteRequest(string reason)
        => Create(StatusCodes.Status403Forbidden, "cross-site-request", "Cross-site requests cannot change anything.",
            $"This request was made by a page of another site ({reason}); only this host's dashboard and non-browser clients may change state.",
            [new ProblemItem("Origin", "cross-site", reason)]);

    /// <summary>A state-changing request authenticated only by the dashboard cookie lacks the dashboard's proof.</summary>
    public static ObjectResult AntiForgeryMissing(string header)
        => Create(StatusCodes.Status403Forbidden, "anti-forgery-missing", "The dashboard's anti-forgery proof is missing.",
            $"A key from the cookie is accepted for this request only from the dashboard: a same-origin request with the {header} header. Other clients send the key in the {ApiKeyValidator.HeaderName} header.",
            [new ProblemItem(header, "missing", $"Send {header} from a same-origin page, or the key in {ApiKeyValidator.HeaderName}.")]);

    /// <summary>The request body exceeds its limit.</summary>
    public static ObjectResult BodyTooLarge(long limit, string? setting = null)
        => Create(StatusCodes.Status413PayloadTooLarge, "body-too-large", "The request body is too large.",
            limit == 0 ? "This endpoint takes no body." : $"The body may be at most {limit} bytes{(setting is null ? "" : $" (setting {setting})")}.",
            [new ProblemItem("body", "too-large", limit == 0 ? "This endpoint takes no body." : $"The body may be at most {limit} bytes.")]);

    /// <summary>A body that is not JSON was sent to an endpoint that reads JSON.</summary>
    public static ObjectResult UnsupportedMediaType(string? contentType)
        => Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "The body must be JSON.",
            $"The body was sent as '{contentType ?? "(no Content-Type)"}'; send it with Content-Type: application/json.",
            [new ProblemItem("Content-Type", "unsupported", "Must be application/json.")]);

    /// <summary>The Host header names a host this deployment does not answer to.</summary>
    public static ObjectResult HostNotAllowed(string host)
        => Create(StatusCodes.Status400BadRequest, "host-not-allowed", "The Host header is not allowed.",
            $"This host does not answer to '{host}' (setting AllowedHosts).",
            [new ProblemItem("Host", "not-allowed", $"'{host}' is not in AllowedHosts.")]);

    /// <summary>The request target (path and query) is too long.</summary>
    public static ObjectResult TargetTooLong(int length, int limit)
        => Create(StatusCodes.Status414UriTooLong, "uri-too-long", "The request URI is too long.",
            $"The path and query are {length} characters; at most {limit} are accepted.",
            [new ProblemItem("path", "too-long", $"At most {limit} characters.")]);

    /// <summary>A path segment or query value is not text the API can take.</summary>
    public static ObjectResult InvalidText(string field, string fault)
        => Create(StatusCodes.Status400BadRequest, "invalid-parameter", "A request parameter is not valid.",
            $"'{field}' {fault}.",
            [new ProblemItem(field, "invalid-text", $"'{field}' {fault}.")]);

    /// <summary>Problem details for a status some layer answered without a body (no route, wrong method, …).</summary>
    public static ObjectResult ForStatus(int status, string method, string path) => status switch
    {
        StatusCodes.Status404NotFound => Create(status, "not-found", "Not found.", $"Nothing is at {method} {path}.", []),
        StatusCodes.Status405MethodNotAllowed => Create(status, "method-not-allowed", "Method not allowed.", $"{path} does not answer {method}; the Allow header lists what it does.", []),
        StatusCodes.Status401Unauthorized => Create(status, "unauthorized", "Credentials are required.", $"{path} needs a credential.", []),
        StatusCodes.Status413PayloadTooLarge => Create(status, "body-too-large", "The request body is too large.", "The body is larger than this host accepts.", [new ProblemItem("body", "too-large", "Too large.")]),
        StatusCodes.Status414UriTooLong => Create(status, "uri-too-long", "The request URI is too long.", "The path and query are longer than this host accepts.", [new ProblemItem("path", "too-long", "Too long.")]),
        StatusCodes.Status415UnsupportedMediaType => Create(status, "unsupported-media-type", "The body must be JSON.", "Send it with Content-Type: application/json.", [new ProblemItem("Content-Type", "unsupported", "Must be application/json.")]),
        >= 500 => Create(status, "server-error", "The server could not answer.", $"The server failed to answer {method} {path}; the host log has the details.", []),
        _ => Create(status, "bad-request", "The request is not valid.", $"{method} {path} could not be read as an HTTP request this host accepts.", []),
    };

    /// <summary>Problem details for a request the HTTP server could not parse at all (it answers before any route is known).</summary>
    public static ObjectResult UnreadableRequest(int status) => Create(status, status switch
        {
            StatusCodes.Status414UriTooLong => "uri-too-long",
            StatusCodes.Status431RequestHeaderFieldsTooLarge => "headers-too-large",
            StatusCodes.Status413PayloadTooLarge => "body-too-large",
            _ => "bad-request",
        },
        "The request could not be read.",
        status switch
        {
            StatusCodes.Status414UriTooLong => "The request line is longer than the server accepts.",
            StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request headers are larger than the server accepts.",
            StatusCodes.Status413PayloadTooLarge => "The body is larger than the server accepts.",
            _ => "The request line or headers are not valid HTTP, or the path holds a character no path may hold, such as NUL (%00) or a control character.",
        },
        [new ProblemItem(status == StatusCodes.Status431RequestHeaderFieldsTooLarge ? "headers" : "path", "unreadable", "The server refused this request before reading it.")]);

    /// <summary>
    /// Problem details for an exception a function let escape: a body over its limit is 413, an HTTP-level
    /// error Kestrel raised while reading keeps its status, anything else is 500 without internals.
    /// </summary>
    public static ObjectResult ForException(Exception exception, string method, string path) => exception switch
    {
        RequestBodyTooLargeException tooLarge => BodyTooLarge(tooLarge.Limit, tooLarge.Setting),
        BadHttpRequestException bad => ForStatus(bad.StatusCode, method, path),
        _ => ForStatus(StatusCodes.Status500InternalServerError, method, path),
    };

    private static string Wire(ApiRole role) => role.ToString().ToLowerInvariant();

    /// <summary>No such run.</summary>
    public static ObjectResult RunNotFound(string runId)
        => Create(StatusCodes.Status404NotFound, "run-not-found", "Run not found.", $"No run has the id '{runId}'.",
            [new ProblemItem("runId", "not-found", $"No run has the id '{runId}'.")]);

    /// <summary>The run has no such node: not in its workflow version, and no event of it in its trace.</summary>
    public static ObjectResult NodeNotFound(string runId, string nodeId)
        => Create(StatusCodes.Status404NotFound, "node-not-found", "Node not found.", $"Run '{runId}' has no node '{nodeId}'.",
            [new ProblemItem("nodeId", "not-found", $"Run '{runId}' has no node '{nodeId}'.", nodeId)]);

    /// <summary>No such run to compare with.</summary>
    public static ObjectResult OtherRunNotFound(string otherRunId)
        => Create(StatusCodes.Status404NotFound, "run-not-found", "Run not found.", $"No run has the id '{otherRunId}'.",
            [new ProblemItem("otherRunId", "not-found", $"No run has the id '{otherRunId}'.")]);

    /// <summary>The run has no baseline to compare with.</summary>
    public static ObjectResult NoBaseline(string runId, string workflowId)
        => Create(StatusCodes.Status404NotFound, "baseline-not-found", "The run has no baseline.",
            $"Run '{runId}' has no baseline: no earlier completed run of workflow '{workflowId}' started with the same inputs, and no baseline is pinned (PUT /api/workflows/{workflowId}/baseline).",
            [new ProblemItem("runId", "no-baseline", $"No earlier completed run of '{workflowId}' with the same inputs, and none pinned.")]);

    /// <summary>The run to pin is not a run of the workflow.</summary>
    public static ObjectResult BaselineRunNotInWorkflow(string workflowId, string runId)
        => Create(StatusCodes.Status422UnprocessableEntity, "baseline-run-invalid", "The run cannot be the workflow's baseline.",
            $"No run '{runId}' of workflow '{workflowId}' exists.",
            [new ProblemItem("/runId", "not-found", $"No run '{runId}' of workflow '{workflowId}' exists.")]);

    /// <summary>The workflow exists but not in that version.</summary>
    public static ObjectResult WorkflowVersionNotFound(string workflowId, int version)
        => Create(StatusCodes.Status404NotFound, "workflow-version-not-found", "Workflow version not found.", $"Workflow '{workflowId}' has no version {version}.",
            [new ProblemItem("version", "not-found", $"Workflow '{workflowId}' has no version {version}.")]);

    /// <summary>No such workflow.</summary>
    public static ObjectResult WorkflowNotFound(string workflowId)
        => Create(StatusCodes.Status404NotFound, "workflow-not-found", "Workflow not found.", $"No workflow has the id '{workflowId}'. Register it with POST /api/workflows first.",
            [new ProblemItem("workflowId", "not-found", $"No workflow has the id '{workflowId}'.")]);

    /// <summary>The schedule's expression, zone or inputs are not valid; nothing was stored.</summary>
    public static ObjectResult InvalidSchedule(IReadOnlyList<WorkflowProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return Create(StatusCodes.Status400BadRequest, "invalid-schedule", "The schedule is not valid.",
            $"{problems.Count} problem(s) found: {string.Join(" ", problems.Take(3).Select(p => p.Message))} Nothing was stored.",
            [.. problems.Select(p => new ProblemItem(p.Field, p.Code, p.Message))]);
    }

    /// <summary>The workflow has no such schedule.</summary>
    public static ObjectResult ScheduleNotFound(string workflowId, string scheduleId)
        => Create(StatusCodes.Status404NotFound, "schedule-not-found", "Schedule not found.", $"Workflow '{workflowId}' has no schedule '{scheduleId}'.",
            [new ProblemItem("scheduleId", "not-found", $"Workflow '{workflowId}' has no schedule '{scheduleId}'.")]);

    /// <summary>No such artifact in the run.</summary>
    public static ObjectResult ArtifactNotFound(string runId, string artifactId)
        => Create(StatusCodes.Status404NotFound, "artifact-not-found", "Artifact not found.", $"Run '{runId}' has no artifact '{artifactId}'.",
            [new ProblemItem("artifactId", "not-found", $"Run '{runId}' has no artifact '{artifactId}'.")]);

    /// <summary>The request body is missing, not JSON, or lacks a required field.</summary>
    public static ObjectResult InvalidBody(string field, string message)
        => Create(StatusCodes.Status400BadRequest, "invalid-body", "The request body is not valid.", message,
            [new ProblemItem(field, "invalid-value", message)]);

    /// <summary>The realtime token is forged, from elsewhere, or expired.</summary>
    public static ObjectResult InvalidRealtimeToken()
        => Create(StatusCodes.Status401Unauthorized, "invalid-realtime-token", "The realtime token is not valid.",
            "The access token is not one negotiate issued, or it has expired: negotiate again.",
            [new ProblemItem("/accessToken", "invalid", "Not a valid, unexpired token from negotiate.")]);

    /// <summary>The realtime token does not name the run.</summary>
    public static ObjectResult RunNotGranted(string runId)
        => Create(StatusCodes.Status403Forbidden, "run-not-granted", "The realtime token does not cover this run.",
            $"The token was negotiated for other runs; negotiate one whose runIds include '{runId}'.",
            [new ProblemItem("runId", "not-granted", $"The token does not name run '{runId}'.")]);

    /// <summary>Realtime updates are not configured on this host.</summary>
    public static ObjectResult RealtimeUnavailable()
        => Create(StatusCodes.Status503ServiceUnavailable, "realtime-unavailable", "Realtime updates are not configured.",
            "This host has no realtime provider: set Realtime:AzureSignalR:ConnectionString. Poll the trace endpoint instead.", []);

    /// <summary>The artifact store cannot sign download links (no shared key and no user delegation key).</summary>
    public static ObjectResult ArtifactLinksUnavailable(string runId, string artifactId)
        => Create(StatusCodes.Status501NotImplemented, "artifact-links-unavailable", "Artifact links are not available.",
            $"The artifact store cannot sign a download link; download it from /api/workflows/runs/{runId}/artifacts/{artifactId} instead.", []);

    /// <summary>An idempotency key came back with a different request than the one it was first used for.</summary>
    public static ObjectResult IdempotencyKeyReused(string header, string key)
        => Create(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "The idempotency key was used for a different request.",
            $"'{key}' was sent with another request within the last 24 hours; a key stands for one request. Use a new key for a new request.",
            [new ProblemItem(header, "reused", "This key was first sent with a different method, path or body.")]);

    /// <summary>The approval step names its approvers and the caller is not one of them.</summary>
    public static ObjectResult NotAnApprover(string caller, string nodeId, IReadOnlyList<string> approvers)
        => Create(StatusCodes.Status403Forbidden, "not-an-approver", "The caller may not decide this approval step.",
            $"'{caller}' is not among the approvers of node '{nodeId}' ({string.Join(", ", approvers)}).",
            [new ProblemItem(ApiKeyValidator.HeaderName, "not-an-approver", $"Only {string.Join(", ", approvers)} may decide.", nodeId)]);

    /// <summary>The request conflicts with the resource's state.</summary>
    public static ObjectResult Conflict(string code, string detail)
        => Create(StatusCodes.Status409Conflict, code, "The request conflicts with the current state.", detail, []);

    /// <summary>
    /// A service the request needs is down (an outage, not a fault of the request): 503 with <c>Retry-After</c>,
    /// naming each dependency that is unavailable under <c>/dependencies/{name}</c>.
    /// </summary>
    public static IActionResult DependencyUnavailable(IReadOnlyDictionary<string, string> unavailable, int retryAfterSeconds, IReadOnlyDictionary<string, object>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(unavailable);
        var names = string.Join(" and ", unavailable.Keys);
        var problem = Create(StatusCodes.Status503ServiceUnavailable, "dependency-unavailable", "A service this API depends on is unavailable.",
            $"{names} cannot be reached right now; nothing was changed by this request. Try again in {retryAfterSeconds} s.",
            [.. unavailable.Select(d => new ProblemItem($"/dependencies/{d.Key}", "unavailable", d.Value))]);
        foreach (var (name, value) in extensions ?? new Dictionary<string, object>())
        {
            ((ProblemDetails)problem.Value!).Extensions[name] = value;
        }

        return new RetryAfterResult(problem, retryAfterSeconds);
    }

    /// <summary>A result with a <c>Retry-After</c> header.</summary>
    private sealed class RetryAfterResult(IActionResult inner, int seconds) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteResultAsync(context);
        }
    }

    private static ObjectResult Create(int status, string code, string title, string detail, IReadOnlyList<ProblemItem> errors)
    {
        var problem = new ProblemDetails
        {
            Type = TypePrefix + code,
            Title = title,
            Status = status,
            Detail = detail,
        };
        problem.Extensions["errors"] = errors;
        var result = new ObjectResult(problem) { StatusCode = status };
        result.ContentTypes.Add("application/problem+json");
        return result;
    }
}
