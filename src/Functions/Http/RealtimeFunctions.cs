using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Json;
using ShipSec.Shared.Realtime;
using ShipSec.Shared.Runs;

namespace ShipSec.Functions.Http;

/// <summary>The body of the subscribe and unsubscribe functions.</summary>
/// <param name="ConnectionId">The SignalR connection id the client got when it connected.</param>
public sealed record SubscriptionRequest(string? ConnectionId);

/// <summary>
/// Live updates for dashboards: negotiate a SignalR connection, then join or leave groups. Clients never
/// invoke hub methods (Azure SignalR Service in serverless mode disconnects them), so groups are joined here.
/// </summary>
public sealed class RealtimeFunctions(IRealtime realtime, IRunStore runs, IOptions<RealtimeOptions> options)
{
    /// <summary><c>POST /api/negotiate</c>: the hub URL and an access token to connect with.</summary>
    [Function(nameof(Negotiate))]
    public async Task<IActionResult> Negotiate(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "negotiate")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enabled)
        {
            return Problems.RealtimeUnavailable();
        }

        // No user yet: access control is a later issue, so tokens carry no nameid.
        var origin = new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        var negotiated = await realtime.NegotiateAsync(origin, userId: null, cancellationToken);
        return ApiResponses.Ok(new { url = negotiated.Url, accessToken = negotiated.AccessToken });
    }

    /// <summary><c>POST /api/workflows/runs/{runId}/subscribe</c> <c>{connectionId}</c>: live trace events and status of one run.</summary>
    [Function(nameof(SubscribeRun))]
    public async Task<IActionResult> SubscribeRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "workflows/runs/{runId}/subscribe")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken)
    {
        var (connectionId, problem) = await ReadConnectionIdAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (await runs.GetAsync(runId, cancellationToken) is null)
        {
            return Problems.RunNotFound(runId);
        }

        return await JoinAsync(connectionId!, RealtimeGroups.Run(runId), cancellationToken);
    }

    /// <summary><c>POST /api/workflows/runs/{runId}/unsubscribe</c> <c>{connectionId}</c>: stop one run's live updates.</summary>
    [Function(nameof(UnsubscribeRun))]
    public async Task<IActionResult> UnsubscribeRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "workflows/runs/{runId}/unsubscribe")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken)
    {
        var (connectionId, problem) = await ReadConnectionIdAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            await realtime.RemoveFromGroupAsync(connectionId!, RealtimeGroups.Run(runId), cancellationToken);
        }
        catch (HttpRequestException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone: leaving is idempotent.
        }

        return new NoContentResult();
    }

    /// <summary><c>POST /api/workflows/runs/subscribe</c> <c>{connectionId}</c>: every run's status changes.</summary>
    [Function(nameof(SubscribeRuns))]
    public async Task<IActionResult> SubscribeRuns(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "workflows/runs/subscribe")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (connectionId, problem) = await ReadConnectionIdAsync(request, cancellationToken);
        return problem ?? await JoinAsync(connectionId!, RealtimeGroups.Runs, cancellationToken);
    }

    private bool Enabled => options.Value.Provider is not (null or RealtimeProvider.None);

    private async Task<IActionResult> JoinAsync(string connectionId, string group, CancellationToken cancellationToken)
    {
        try
        {
            await realtime.AddToGroupAsync(connectionId, group, cancellationToken);
        }
        catch (HttpRequestException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return Problems.ConnectionNotFound(connectionId);
        }

        return new NoContentResult();
    }

    private async Task<(string? ConnectionId, IActionResult? Problem)> ReadConnectionIdAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enabled)
        {
            return (null, Problems.RealtimeUnavailable());
        }

        const string Missing = "The body must be JSON with a non-empty 'connectionId': the id of your SignalR connection.";
        try
        {
            var body = await JsonSerializer.DeserializeAsync<SubscriptionRequest>(request.Body, ShipSecJson.Options, cancellationToken);
            return string.IsNullOrWhiteSpace(body?.ConnectionId)
                ? (null, Problems.InvalidBody("/connectionId", Missing))
                : (body.ConnectionId, null);
        }
        catch (JsonException)
        {
            return (null, Problems.InvalidBody("/connectionId", Missing));
        }
    }
}
