using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Realtime;

public sealed class LocalRealtimeTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Negotiate_points_at_the_local_hub_on_the_host_that_answered()
    {
        using var response = await host.Http.PostAsync(new Uri("api/negotiate", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var negotiated = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new Uri(host.BaseAddress, "hubs/runs").AbsoluteUri, negotiated.GetProperty("url").GetString());
        Assert.Equal(3, negotiated.GetProperty("accessToken").GetString()!.Split('.').Length);
    }

    [Fact]
    public async Task A_subscribed_client_receives_committed_events_once_in_order_and_run_updates()
    {
        var runId = await CreateRunAsync();
        await using var client = await ConnectAsync();
        await client.SubscribeAsync($"api/workflows/runs/{runId}/subscribe");
        await client.SubscribeAsync("api/workflows/runs/subscribe");

        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        TraceEvent[] logs = [Log(runId, 1), Log(runId, 2), Log(runId, 3)];
        await publisher.PublishAsync(logs);

        var received = await client.ReadEventsAsync(3);
        Assert.Equal(logs.Select(e => e.Id), received.Select(e => e.Event.Id));
        Assert.Equal([1L, 2L, 3L], received.Select(e => e.Event.Sequence));
        // That a message is sent only after its events committed is checked where the send happens:
        // Shared.Tests InProcessTraceTests.Realtime_messages_are_sent_only_once_their_events_are_committed.
        Assert.Equal("NODE_LOG", received[0].Json.GetProperty("type").GetString());

        await publisher.PublishAsync([Status(runId, RunStatus.Running)]);

        // Nothing was delivered twice: the next message holds only the new event.
        var status = Assert.Single(await client.ReadEventsAsync(1));
        Assert.Equal((TraceEventType.WorkflowStatus, 4L), (status.Event.Type, status.Event.Sequence));
        Assert.Equal("running", status.Json.GetProperty("status").GetString());

        // Once for the run's group and once for all runs: this connection is in both.
        for (var i = 0; i < 2; i++)
        {
            var summary = await client.RunUpdates.Reader.ReadAsync().AsTask().WaitAsync(Deadline);
            Assert.Equal(runId, summary.GetProperty("runId").GetString());
            Assert.Equal("running", summary.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task After_unsubscribing_a_client_hears_no_more_of_the_run()
    {
        var runId = await CreateRunAsync();
        await using var client = await ConnectAsync();
        await client.SubscribeAsync($"api/workflows/runs/{runId}/subscribe");
        await client.SubscribeAsync("api/workflows/runs/subscribe");
        await client.SubscribeAsync($"api/workflows/runs/{runId}/unsubscribe");

        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        await publisher.PublishAsync([Log(runId, 1), Status(runId, RunStatus.Running)]);

        // The all-runs update comes after the run's trace events would have: their absence is now certain.
        var summary = await client.RunUpdates.Reader.ReadAsync().AsTask().WaitAsync(Deadline);
        Assert.Equal(runId, summary.GetProperty("runId").GetString());
        Assert.False(client.TraceMessages.Reader.TryRead(out _));
        Assert.False(client.RunUpdates.Reader.TryRead(out _));
    }

    [Fact]
    public async Task An_empty_run_list_grants_nothing()
    {
        using var content = new StringContent("""{"runIds": []}""", System.Text.Encoding.UTF8, "application/json");

        using var response = await host.Http.PostAsync(new Uri("api/negotiate", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("/runIds", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.False(problem.TryGetProperty("accessToken", out _));
    }

    [Fact]
    public async Task A_token_with_a_trailing_equals_sign_is_refused()
    {
        using var negotiated = await host.Http.PostAsync(new Uri("api/negotiate", UriKind.Relative), null);
        var token = (await negotiated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        foreach (var (presented, expected) in new[] { (token, HttpStatusCode.NoContent), (token + "=", HttpStatusCode.Unauthorized) })
        {
            using var content = JsonContent.Create(new { accessToken = presented });
            using var response = await host.Http.PostAsync(new Uri("api/workflows/runs/subscribe", UriKind.Relative), content);
            Assert.Equal(expected, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("api/workflows/runs/subscribe")]
    [InlineData("api/workflows/runs/some-run/subscribe")]
    [InlineData("api/workflows/runs/some-run/unsubscribe")]
    public async Task A_missing_access_token_is_a_problem_naming_it(string path)
    {
        foreach (var body in new[] { "{}", """{"accessToken":""}""", "not json" })
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await host.Http.PostAsync(new Uri(path, UriKind.Relative), content);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("/accessToken", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Subscribing_to_an_unknown_run_is_not_found()
    {
        await using var client = await ConnectAsync();
        using var response = await host.Http.PostAsJsonAsync(new Uri("api/workflows/runs/no-such-run/subscribe", UriKind.Relative), new { accessToken = client.AccessToken });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:shipsec:problem:run-not-found", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_client_can_follow_only_the_runs_its_token_names()
    {
        var granted = await CreateRunAsync();
        var other = await CreateRunAsync();
        await using var client = await ConnectAsync(granted);

        await client.SubscribeAsync($"api/workflows/runs/{other}/subscribe", HttpStatusCode.Forbidden);
        await client.SubscribeAsync("api/workflows/runs/subscribe", HttpStatusCode.Forbidden);
        await client.SubscribeAsync($"api/workflows/runs/{granted}/subscribe");

        var publisher = host.Services.GetRequiredService<ITracePublisher>();
        await publisher.PublishAsync([Log(other, 1)]);
        await publisher.PublishAsync([Log(granted, 1)]);

        var received = await client.ReadEventsAsync(1);
        Assert.Equal(granted, received[0].Event.RunId);
        Assert.False(client.TraceMessages.Reader.TryRead(out _));
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_token_from_negotiate()
    {
        using var response = await host.Http.PostAsync(new Uri("hubs/runs/negotiate?negotiateVersion=1", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using var forged = new HttpRequestMessage(HttpMethod.Post, new Uri("hubs/runs/negotiate?negotiateVersion=1", UriKind.Relative));
        forged.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJuYW1laWQiOiJ4In0.c2ln");
        using var refused = await host.Http.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private async Task<string> CreateRunAsync()
    {
        var runId = "run-" + Guid.NewGuid().ToString("N");
        await host.Services.GetRequiredService<IRunStore>().CreateAsync(new NewRun(runId, "wf", 1, 2, DateTimeOffset.UtcNow));
        return runId;
    }

    private async Task<HubClient> ConnectAsync(params string[] runIds)
    {
        using var response = runIds.Length == 0
            ? await host.Http.PostAsync(new Uri("api/negotiate", UriKind.Relative), null)
            : await host.Http.PostAsJsonAsync(new Uri("api/negotiate", UriKind.Relative), new { runIds });
        response.EnsureSuccessStatusCode();
        var negotiated = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = negotiated.GetProperty("accessToken").GetString()!;
        var connection = new HubConnectionBuilder()
            .WithUrl(negotiated.GetProperty("url").GetString()!, options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var client = new HubClient(connection, host.Http, token);
        await connection.StartAsync().WaitAsync(Deadline);
        return client;
    }

    private static TraceEvent Log(string runId, long ordinal) => new()
    {
        Id = TraceEventIds.NodeEvent(runId, "scan", 1, ordinal),
        RunId = runId,
        NodeId = "scan",
        Attempt = 1,
        Type = TraceEventType.NodeLog,
        Timestamp = DateTimeOffset.UtcNow,
        Message = $"line {ordinal}",
    };

    private static TraceEvent Status(string runId, RunStatus status) => new()
    {
        Id = TraceEventIds.WorkflowStatus(runId, status),
        RunId = runId,
        Type = TraceEventType.WorkflowStatus,
        Timestamp = DateTimeOffset.UtcNow,
        Status = status,
    };

    /// <summary>A received event and its JSON as sent.</summary>
    private sealed record ReceivedEvent(TraceEvent Event, JsonElement Json);

    /// <summary>A dashboard-like client: receives only, joins groups over HTTP.</summary>
    private sealed class HubClient : IAsyncDisposable
    {
        private readonly HubConnection _connection;
        private readonly HttpClient _http;

        public HubClient(HubConnection connection, HttpClient http, string accessToken)
        {
            _connection = connection;
            _http = http;
            AccessToken = accessToken;
            connection.On<JsonElement>("traceEvents", message => TraceMessages.Writer.WriteAsync(message.GetProperty("events").EnumerateArray()
                .Select(e => new ReceivedEvent(e.Deserialize<TraceEvent>(ShipSecJson.Options)!, e.Clone())).ToList()).AsTask());
            connection.On<JsonElement>("runUpdated", summary => RunUpdates.Writer.WriteAsync(summary.Clone()).AsTask());
        }

        public string AccessToken { get; }

        public Channel<List<ReceivedEvent>> TraceMessages { get; } = Channel.CreateUnbounded<List<ReceivedEvent>>();

        public Channel<JsonElement> RunUpdates { get; } = Channel.CreateUnbounded<JsonElement>();

        public async Task SubscribeAsync(string path, HttpStatusCode expected = HttpStatusCode.NoContent)
        {
            using var response = await _http.PostAsJsonAsync(new Uri(path, UriKind.Relative), new { accessToken = AccessToken });
            Assert.Equal(expected, response.StatusCode);
        }

        /// <summary>Reads messages until exactly <paramref name="count"/> events arrived (a message may carry several).</summary>
        public async Task<List<ReceivedEvent>> ReadEventsAsync(int count)
        {
            var events = new List<ReceivedEvent>();
            while (events.Count < count)
            {
                events.AddRange(await TraceMessages.Reader.ReadAsync().AsTask().WaitAsync(Deadline));
            }

            Assert.Equal(count, events.Count);
            return events;
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
