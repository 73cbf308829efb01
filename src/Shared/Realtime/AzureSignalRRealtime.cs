using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Json;

namespace ShipSec.Shared.Realtime;

/// <summary>
/// <see cref="IRealtime"/> over the Azure SignalR Service REST API v1 (serverless mode), with access tokens
/// signed here: the Management SDK is not available to this build.
/// </summary>
public sealed class AzureSignalRRealtime : IRealtime
{
    /// <summary>The named <see cref="HttpClient"/> used for REST calls.</summary>
    public const string HttpClientName = "ShipSec.AzureSignalR";

    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _clock;
    private readonly ILogger<AzureSignalRRealtime> _logger;
    private readonly AzureSignalRConnectionString _service;
    private readonly string _hub;
    private readonly TimeSpan _tokenLifetime;

    /// <summary>Creates the client; the options were validated at start (a connection string that parses).</summary>
    public AzureSignalRRealtime(IOptions<AzureSignalROptions> options, IHttpClientFactory httpClients, TimeProvider clock, ILogger<AzureSignalRRealtime> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        if (!AzureSignalRConnectionString.TryParse(settings.ConnectionString, out var service, out var error))
        {
            throw new InvalidOperationException($"{AzureSignalROptions.SectionName}:ConnectionString is not valid: {error}");
        }

        _service = service;
        _hub = settings.Hub.ToLowerInvariant();
        _tokenLifetime = settings.TokenLifetime;
        _httpClients = httpClients;
        _clock = clock;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task SendToGroupAsync(string group, string target, object payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentNullException.ThrowIfNull(payload);
        var body = JsonContent.Create(new RestMessage(target, [payload]), options: ShipSecJson.Options);
        return CallAsync(HttpMethod.Post, GroupUrl(group), body, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The membership expires with the token that asked for it (<c>ttl</c> = the token lifetime), so memberships do not pile up.</remarks>
    public Task AddUserToGroupAsync(string userId, string group, CancellationToken cancellationToken = default)
        => CallAsync(HttpMethod.Put, UserUrl(userId, group), null, cancellationToken, $"ttl={(long)_tokenLifetime.TotalSeconds}");

    /// <inheritdoc />
    public Task RemoveUserFromGroupAsync(string userId, string group, CancellationToken cancellationToken = default)
        => CallAsync(HttpMethod.Delete, UserUrl(userId, group), null, cancellationToken);

    /// <inheritdoc />
    public Task<NegotiateResult> NegotiateAsync(Uri requestOrigin, RealtimeGrant grant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grant);

        // The service checks the token's audience against the client URL, query included, and takes the
        // connection's user id from nameid: group membership by user is what limits a connection to its runs.
        var url = ClientUrl;
        var token = SignalRAccessToken.Create(url, _service.AccessKey, _clock.GetUtcNow(), _tokenLifetime, grant.Subject, grant.Claim);
        return Task.FromResult(new NegotiateResult(url, token));
    }

    /// <inheritdoc />
    public RealtimeGrant? ReadGrant(string accessToken) => SignalRAccessToken.ReadGrant(accessToken, _service.AccessKey, _clock.GetUtcNow(), ClientUrl);

    private string ClientUrl => $"{_service.BaseUrl}/client/?hub={_hub}";

    private string GroupUrl(string group)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        return $"{_service.BaseUrl}/api/v1/hubs/{_hub}/groups/{Uri.EscapeDataString(group)}";
    }

    private string UserUrl(string userId, string group)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return $"{GroupUrl(group)}/users/{Uri.EscapeDataString(userId)}";
    }

    private async Task CallAsync(HttpMethod method, string url, HttpContent? body, CancellationToken cancellationToken, string? query = null)
    {
        using var request = new HttpRequestMessage(method, query is null ? url : $"{url}?{query}") { Content = body };
        // The audience is the request URL without its query.
        var token = SignalRAccessToken.Create(url, _service.AccessKey, _clock.GetUtcNow(), _tokenLifetime);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var client = _httpClients.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            RealtimeLog.ServiceRejected(_logger, method.Method, url, (int)response.StatusCode);
            throw new HttpRequestException(
                $"Azure SignalR Service answered {(int)response.StatusCode} {response.ReasonPhrase} to {method.Method} {url}: {text}",
                null, response.StatusCode);
        }
    }

    private sealed record RestMessage(string Target, object[] Arguments);
}
