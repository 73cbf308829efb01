using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Cli;

/// <summary>A run the API accepted.</summary>
internal sealed record StartedRunResponse(string RunId, string WorkflowId, int WorkflowVersion, string StatusUrl, string TraceUrl, string? ParentRunId = null, int? ReusedNodes = null);

/// <summary>A page of the trace endpoint.</summary>
internal sealed record TracePageResponse(string RunId, IReadOnlyList<TraceEvent> Events, long NextCursor, bool HasMore);

/// <summary>A registered workflow.</summary>
internal sealed record WorkflowResponse(string Id, string Name, int Version, int NodeCount);

/// <summary>The runs listing.</summary>
internal sealed record RunListResponse(IReadOnlyList<RunSummary> Runs);

/// <summary>The node ids of a stored workflow version (the rest of the definition is not needed here).</summary>
internal sealed record WorkflowVersionResponse(string Id, int Version, WorkflowVersionDefinition Definition);

/// <summary>The part of a definition replay needs.</summary>
internal sealed record WorkflowVersionDefinition(IReadOnlyList<WorkflowVersionNode> Nodes);

/// <summary>A node of a definition.</summary>
internal sealed record WorkflowVersionNode(string Id);

/// <summary>The API answered with RFC 9457 problem details.</summary>
internal sealed class ApiProblemException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>The ShipSec Runs HTTP API, typed with the same contracts the server writes.</summary>
internal sealed class ShipSecApiClient(HttpClient http)
{
    public Uri BaseAddress => http.BaseAddress!;

    public async Task<WorkflowResponse> RegisterWorkflowAsync(string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("api/workflows", UriKind.Relative), content, cancellationToken);
        return await ReadAsync<WorkflowResponse>(response, cancellationToken);
    }

    public async Task<StartedRunResponse> StartRunAsync(string workflowId, CancellationToken cancellationToken, IReadOnlyDictionary<string, JsonElement>? inputs = null)
    {
        using var content = inputs is null ? null : JsonContent.Create(new { inputs }, options: ShipSecJson.Options);
        using var response = await http.PostAsync(new Uri($"api/workflows/{Uri.EscapeDataString(workflowId)}/runs", UriKind.Relative), content, cancellationToken);
        return await ReadAsync<StartedRunResponse>(response, cancellationToken);
    }

    /// <summary>A re-run of <paramref name="runId"/>; <paramref name="body"/> is null, <c>{fromNode}</c> or <c>{from: "failed"}</c>.</summary>
    public async Task<StartedRunResponse> RerunAsync(string runId, object? body, CancellationToken cancellationToken)
    {
        using var content = body is null ? null : JsonContent.Create(body, options: ShipSecJson.Options);
        using var response = await http.PostAsync(new Uri($"api/workflows/runs/{Uri.EscapeDataString(runId)}/rerun", UriKind.Relative), content, cancellationToken);
        return await ReadAsync<StartedRunResponse>(response, cancellationToken);
    }

    /// <summary>The run's findings as JSON, or its SARIF log as text.</summary>
    public async Task<string> GetFindingsAsync(string runId, string? severity, bool sarif, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(severity))
        {
            query.Add($"severity={Uri.EscapeDataString(severity)}");
        }

        if (sarif)
        {
            query.Add("format=sarif");
        }

        var path = $"api/workflows/runs/{Uri.EscapeDataString(runId)}/findings" + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query));
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ApiProblemException(response.StatusCode, DescribeProblem(response.StatusCode, body));
        }

        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>Approves or rejects the approval step <paramref name="nodeId"/> of <paramref name="runId"/>.</summary>
    public async Task DecideAsync(string runId, string nodeId, bool approve, string? comment, CancellationToken cancellationToken)
    {
        using var content = JsonContent.Create(new { approve, comment }, options: ShipSecJson.Options);
        using var response = await http.PostAsync(
            new Uri($"api/workflows/runs/{Uri.EscapeDataString(runId)}/nodes/{Uri.EscapeDataString(nodeId)}/decision", UriKind.Relative), content, cancellationToken);
        await ReadAsync<JsonElement>(response, cancellationToken);
    }

    public async Task<RunSummary> GetStatusAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"api/workflows/runs/{Uri.EscapeDataString(runId)}/status", UriKind.Relative), cancellationToken);
        return await ReadAsync<RunSummary>(response, cancellationToken);
    }

    public async Task<TracePageResponse> GetTraceAsync(string runId, long after, int limit, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"api/workflows/runs/{Uri.EscapeDataString(runId)}/trace?after={after}&limit={limit}", UriKind.Relative), cancellationToken);
        return await ReadAsync<TracePageResponse>(response, cancellationToken);
    }

    public async Task<RunState> GetStateAsync(string runId, DateTimeOffset? at, long? sequence, CancellationToken cancellationToken)
    {
        var query = at is { } moment ? $"?at={Uri.EscapeDataString(moment.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}"
            : sequence is { } s ? $"?sequence={s}" : string.Empty;
        using var response = await http.GetAsync(new Uri($"api/workflows/runs/{Uri.EscapeDataString(runId)}/state{query}", UriKind.Relative), cancellationToken);
        return await ReadAsync<RunState>(response, cancellationToken);
    }

    public async Task<NodeInspection> InspectNodeAsync(string runId, string nodeId, long? sequence, CancellationToken cancellationToken)
    {
        var query = sequence is { } s ? $"?sequence={s}" : string.Empty;
        using var response = await http.GetAsync(new Uri($"api/workflows/runs/{Uri.EscapeDataString(runId)}/nodes/{Uri.EscapeDataString(nodeId)}{query}", UriKind.Relative), cancellationToken);
        return await ReadAsync<NodeInspection>(response, cancellationToken);
    }

    /// <summary>What the node's processes printed in its last attempt, escape sequences stripped.</summary>
    public async Task<string> NodeTerminalTextAsync(string runId, string nodeId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"api/workflows/runs/{Uri.EscapeDataString(runId)}/nodes/{Uri.EscapeDataString(nodeId)}/terminal?format=text", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? body : throw new ApiProblemException(response.StatusCode, DescribeProblem(response.StatusCode, body));
    }

    public async Task<RunDiff> DiffAsync(string runId, string otherRunId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"api/workflows/runs/{Uri.EscapeDataString(runId)}/diff/{Uri.EscapeDataString(otherRunId)}", UriKind.Relative), cancellationToken);
        return await ReadAsync<RunDiff>(response, cancellationToken);
    }

    public async Task<RunListResponse> ListRunsAsync(string workflowId, int limit, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"api/workflows/runs?workflowId={Uri.EscapeDataString(workflowId)}&limit={limit}", UriKind.Relative), cancellationToken);
        return await ReadAsync<RunListResponse>(response, cancellationToken);
    }

    public async Task<WorkflowVersionResponse> GetWorkflowVersionAsync(string workflowId, int version, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"api/workflows/{Uri.EscapeDataString(workflowId)}/versions/{version}", UriKind.Relative), cancellationToken);
        return await ReadAsync<WorkflowVersionResponse>(response, cancellationToken);
    }

    /// <summary>Creates a schedule: <c>{cron, timeZone, inputs}</c>.</summary>
    public async Task<WorkflowSchedule> CreateScheduleAsync(string workflowId, string cron, string? timeZone, JsonElement? inputs, CancellationToken cancellationToken)
    {
        using var content = JsonContent.Create(new { cron, timeZone, inputs }, options: ShipSecJson.Options);
        using var response = await http.PostAsync(new Uri($"api/workflows/{Uri.EscapeDataString(workflowId)}/schedules", UriKind.Relative), content, cancellationToken);
        return await ReadAsync<WorkflowSchedule>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<WorkflowSchedule>> ListSchedulesAsync(string workflowId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"api/workflows/{Uri.EscapeDataString(workflowId)}/schedules", UriKind.Relative), cancellationToken);
        return (await ReadAsync<ScheduleListResponse>(response, cancellationToken)).Schedules;
    }

    public async Task DeleteScheduleAsync(string workflowId, string scheduleId, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(
            new Uri($"api/workflows/{Uri.EscapeDataString(workflowId)}/schedules/{Uri.EscapeDataString(scheduleId)}", UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiProblemException(response.StatusCode, DescribeProblem(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken)));
        }
    }

    public string StatusUrl(string runId) => new Uri(BaseAddress, $"api/workflows/runs/{runId}/status").ToString();

    public string TraceUrl(string runId) => new Uri(BaseAddress, $"api/workflows/runs/{runId}/trace").ToString();

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync<T>(ShipSecJson.Options, cancellationToken)
                ?? throw new ApiProblemException(response.StatusCode, "The API returned an empty body.");
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new ApiProblemException(response.StatusCode, DescribeProblem(response.StatusCode, body));
    }

    private static string DescribeProblem(HttpStatusCode status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var text = new StringBuilder();
            text.Append($"{(int)status} {Text(root, "title")} {Text(root, "detail")}".TrimEnd());
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in errors.EnumerateArray())
                {
                    text.Append($"\n  - {Text(error, "field")}: {Text(error, "message")}");
                }
            }

            return text.ToString();
        }
        catch (JsonException)
        {
            return $"{(int)status} {body}";
        }
    }

    private static string Text(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}

/// <summary><c>GET /api/workflows/{workflowId}/schedules</c>.</summary>
internal sealed record ScheduleListResponse(string WorkflowId, IReadOnlyList<WorkflowSchedule> Schedules);
