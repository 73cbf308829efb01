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
/// <param name="AccessToken">The token from negotiate that the client connected with: its subject is what joins the group.</param>
/// <param name="ConnectionId">The SignalR connection id; accepted for older clients and ignored, since groups are joined by the token's user.</param>
public sealed record SubscriptionRequest(string? AccessToken, string? ConnectionId = null);

/// <summary>The optional body of negotiate.</summary>
/// <param name="RunIds">The runs the token may follow; absent means every run (<c>*</c>), which needs the viewer role; an empty list is refused.</param>
public sealed record NegotiateRequest(IReadOnlyList<string>? RunIds);

/// <summary>
/// Live updates for dashboards: negotiate a SignalR connection, then join or leave groups. Clients never
/// invoke hub methods (Azure SignalR Service in serverless mode disconnects them), so groups are joined here.
/// </summary>
public sealed class RealtimeFunctions(IRealtime realtime, IRunStore runs, IOptions<RealtimeOptions> options, PublicUrls urls)
{
    /// <summary><c>POST /api/negotiate</c>: the hub URL and an access token to connect with.</summary>
    [Function(nameof(Negotiate))]
    public async Task<IActionResult> Negotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "negotiate")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enabled)
        {
            return Problems.RealtimeUnavailable();
        }

        NegotiateRequest? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonSerializer.DeserializeAsync<NegotiateRequest>(request.Body, ShipSecJson.Options, cancellationToken);
            }
            catch (JsonException)
            {
                return Problems.InvalidBody("/runIds", "The body, when given, must be JSON like {\"runIds\": [\"<runId>\", ...]}.");
            }
        }

        if (body?.RunIds is { } runIds && (runIds.Count == 0 || runIds.Any(id => string.IsNullOrWhiteSpace(id) || id.Any(char.IsWhiteSpace))))
        {
            return Problems.InvalidBody("/runIds", "'runIds' must name at least one run, each id without spaces (leave it out to follow every run).");
        }

        // Every run's updates are everything a viewer may read: granted only to a caller holding that role.
        var granted = body?.RunIds ?? [RealtimeGrant.AllRuns];
        var caller = ApiPrincipal.Of(request);
        if (granted.Contains(RealtimeGrant.AllRuns) && !caller.Has(ApiRole.Viewer))
        {
            return Problems.RoleTooLow(caller.Name, caller.Role, ApiRole.Viewer);
        }

        // A fresh subject per token: what a connection may hear is exactly what its own token was granted.
        var grant = new RealtimeGrant($"client-{Guid.NewGuid():N}", granted);
        var negotiated = await realtime.NegotiateAsync(urls.Root(request), grant, cancellationToken);
        return ApiResponses.Ok(new { url = negotiated.Url, accessToken = negotiated.AccessToken, runIds = grant.RunIds });
    }

    /// <summary><c>POST /api/workflows/runs/{runId}/subscribe</c> <c>{connectionId}</c>: live trace events and status of one run.</summary>
    [Function(nameof(SubscribeRun))]
    public async Task<IActionResult> SubscribeRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/runs/{runId}/subscribe")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken)
    {
        var (grant, problem) = await ReadGrantAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!grant!.Allows(runId))
        {
            return Problems.RunNotGranted(runId);
        }

        if (await runs.GetAsync(runId, cancellationToken) is null)
        {
            return Problems.RunNotFound(runId);
        }

        await realtime.AddUserToGroupAsync(grant.Subject, RealtimeGroups.Run(runId), cancellationToken);
        return new NoContentResult();
    }

    /// <summary><c>POST /api/workflows/runs/{runId}/unsubscribe</c> <c>{connectionId}</c>: stop one run's live updates.</summary>
    [Function(nameof(UnsubscribeRun))]
    public async Task<IActionResult> UnsubscribeRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/runs/{runId}/unsubscribe")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken)
    {
        var (grant, problem) = await ReadGrantAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            await realtime.RemoveUserFromGroupAsync(grant!.Subject, RealtimeGroups.Run(runId), cancellationToken);
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
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/runs/subscribe")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (grant, problem) = await ReadGrantAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!grant!.CoversAllRuns)
        {
            return Problems.RunNotGranted(RealtimeGrant.AllRuns);
        }

        await realtime.AddUserToGroupAsync(grant.Subject, RealtimeGroups.Runs, cancellationToken);
        return new NoContentResult();
    }

    private bool Enabled => options.Value.Provider is not (null or RealtimeProvider.None);

    private async Task<(RealtimeGrant? Grant, IActionResult? Problem)> ReadGrantAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enabled)
        {
            return (null, Problems.RealtimeUnavailable());
        }

        const string Missing = "The body must be JSON with a non-empty 'accessToken': the token negotiate gave the connection.";
        SubscriptionRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<SubscriptionRequest>(request.Body, ShipSecJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return (null, Problems.InvalidBody("/accessToken", Missing));
        }

        if (string.IsNullOrWhiteSpace(body?.AccessToken))
        {
            return (null, Problems.InvalidBody("/accessToken", Missing));
        }

        return realtime.ReadGrant(body.AccessToken) is { } grant
            ? (grant, null)
            : (null, Problems.InvalidRealtimeToken());
    }
}
