using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ShipSec.Functions.Runs;

namespace ShipSec.Functions.Http;

/// <summary>A workflow's schedules: create (cron, time zone, inputs), list with next fire times, delete.</summary>
public sealed class ScheduleFunctions(WorkflowSchedules schedules, IScheduleWake scheduler)
{
    /// <summary>
    /// <c>POST /api/workflows/{workflowId}/schedules {"cron", "timeZone", "inputs"}</c>: 201 with the schedule; 400 naming
    /// <c>/cron</c>, <c>/timeZone</c> or <c>/inputs/&lt;name&gt;</c> (nothing stored); 404 for an unknown workflow.
    /// </summary>
    [Function(nameof(CreateSchedule))]
    public async Task<IActionResult> CreateSchedule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/{workflowId}/schedules")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string workflowId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (body, problem) = await ReadRequestAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var created = await schedules.CreateAsync(workflowId, body!, ApiPrincipal.Of(request).Name, cancellationToken);
        if (created.Schedule is not null)
        {
            await scheduler.WakeAsync(client, cancellationToken);
        }

        return created switch
        {
            { WorkflowNotFound: true } => Problems.WorkflowNotFound(workflowId),
            { Schedule: { } schedule } => ApiResponses.Created(
                request, ApiResponses.Url(request, $"workflows/{Uri.EscapeDataString(workflowId)}/schedules"), schedule),
            _ => Problems.InvalidSchedule(created.Problems),
        };
    }

    /// <summary><c>GET /api/workflows/{workflowId}/schedules</c>: <c>{workflowId, schedules: [...]}</c> with each one's next fire times.</summary>
    [Function(nameof(ListSchedules))]
    public async Task<IActionResult> ListSchedules(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/{workflowId}/schedules")] HttpRequest request,
        string workflowId,
        CancellationToken cancellationToken)
        => await schedules.ListAsync(workflowId, cancellationToken) is { } list
            ? ApiResponses.Ok(new { workflowId, schedules = list })
            : Problems.WorkflowNotFound(workflowId);

    /// <summary><c>DELETE /api/workflows/{workflowId}/schedules/{scheduleId}</c>: 204; no fire of it starts afterwards.</summary>
    [Function(nameof(DeleteSchedule))]
    public async Task<IActionResult> DeleteSchedule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "workflows/{workflowId}/schedules/{scheduleId}")] HttpRequest request,
        string workflowId,
        string scheduleId,
        CancellationToken cancellationToken)
        => await schedules.DeleteAsync(workflowId, scheduleId, cancellationToken)
            ? new NoContentResult()
            : Problems.ScheduleNotFound(workflowId, scheduleId);

    private static async Task<(ScheduleRequest? Request, IActionResult? Problem)> ReadRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        const string Shape = "The body must be a JSON object such as {\"cron\": \"0 3 * * *\", \"timeZone\": \"UTC\", \"inputs\": {}}.";
        JsonDocument document;
        try
        {
            // ApiGate has bounded the body (Api:MaxRunInputBytes: a schedule carries a run's inputs).
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException exception)
        {
            return (null, Problems.InvalidBody("/", $"The body is not valid JSON: {exception.Message} {Shape}"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, Problems.InvalidBody("/", Shape));
            }

            string? cron = null;
            string? timeZone = null;
            Dictionary<string, JsonElement>? inputs = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "cron" when property.Value.ValueKind == JsonValueKind.String:
                        cron = property.Value.GetString();
                        break;
                    case "cron":
                        return (null, Problems.InvalidBody("/cron", "'cron' must be a string such as \"0 3 * * *\"."));
                    case "timeZone" when property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                        timeZone = property.Value.GetString();
                        break;
                    case "timeZone":
                        return (null, Problems.InvalidBody("/timeZone", "'timeZone' must be a time zone id such as \"UTC\" or \"Europe/Paris\"."));
                    case "inputs":
                        (inputs, var problem) = InputValues.Read(property.Value);
                        if (problem is not null)
                        {
                            return (null, problem);
                        }

                        break;
                    default:
                        return (null, Problems.InvalidBody($"/{property.Name}", $"Unknown property '{property.Name}'; a schedule has 'cron', 'timeZone' and 'inputs'."));
                }
            }

            return (new ScheduleRequest(cron, timeZone, inputs), null);
        }
    }
}
