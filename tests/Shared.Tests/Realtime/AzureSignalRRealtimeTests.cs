using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Realtime;
using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Tests.Realtime;

public sealed class AzureSignalRRealtimeTests : IDisposable
{
    // Base64 with '=' padding, as real keys are: the parser must split at the first '=' only.
    private const string AccessKey = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY3ODkw==";

    private readonly FakeSignalRService _service;
    private readonly ServiceProvider _provider;

    public AzureSignalRRealtimeTests()
    {
        _service = new FakeSignalRService(AccessKey);
        _provider = CreateProvider(new()
        {
            // Endpoint without the port, Port given separately: both parts of the connection string are honoured.
            [$"{AzureSignalROptions.SectionName}:ConnectionString"] = $"Endpoint=http://127.0.0.1;AccessKey={AccessKey};Version=1.0;Port={_service.Port};",
            [$"{AzureSignalROptions.SectionName}:Hub"] = "Runs",
        });
    }

    public void Dispose()
    {
        _provider.Dispose();
        _service.Dispose();
    }

    private string Base => $"http://127.0.0.1:{_service.Port}";

    [Fact]
    public void A_configured_connection_string_chooses_Azure_SignalR()
    {
        Assert.Equal(RealtimeProvider.AzureSignalR, _provider.GetRequiredService<IOptions<RealtimeOptions>>().Value.Provider);
        Assert.IsType<AzureSignalRRealtime>(_provider.GetRequiredService<IRealtime>());
    }

    [Fact]
    public void The_conventional_AzureSignalRConnectionString_setting_also_chooses_Azure_SignalR()
    {
        using var provider = CreateProvider(new() { ["AzureSignalRConnectionString"] = "Endpoint=https://x.service.signalr.net;AccessKey=k;Version=1.0;" });

        Assert.Equal(RealtimeProvider.AzureSignalR, provider.GetRequiredService<IOptions<RealtimeOptions>>().Value.Provider);
        Assert.IsType<AzureSignalRRealtime>(provider.GetRequiredService<IRealtime>());
    }

    [Fact]
    public async Task Send_to_group_posts_target_and_arguments_with_a_token_the_service_accepts()
    {
        var realtime = _provider.GetRequiredService<IRealtime>();
        var payload = new RunProgress(5, 2, 0, 1);

        await realtime.SendToGroupAsync(RealtimeGroups.Run("r1"), RealtimeTargets.RunUpdated, payload);

        Assert.Empty(_service.Rejections);
        var call = Assert.Single(_service.Calls);
        Assert.Equal("POST", call.Method);
        // The service lowercases hub names; the token audience is exactly this URL.
        Assert.Equal($"{Base}/api/v1/hubs/runs/groups/run-r1", call.Url);
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal("runUpdated", body.RootElement.GetProperty("target").GetString());
        var argument = Assert.Single(body.RootElement.GetProperty("arguments").EnumerateArray());
        Assert.Equal(5, argument.GetProperty("nodesTotal").GetInt32());
        Assert.Equal(1, argument.GetProperty("nodesRunning").GetInt32());
        AssertLifetime(call.Claims, TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Add_and_remove_put_and_delete_the_user_in_the_group_and_the_membership_expires_with_the_token()
    {
        var realtime = _provider.GetRequiredService<IRealtime>();
        _service.Answer = HttpStatusCode.OK;

        await realtime.AddUserToGroupAsync("client/1", RealtimeGroups.Runs);
        await realtime.RemoveUserFromGroupAsync("client/1", RealtimeGroups.Runs);

        Assert.Empty(_service.Rejections);
        Assert.Equal(
            [("PUT", $"{Base}/api/v1/hubs/runs/groups/runs/users/client%2F1", "?ttl=3600"), ("DELETE", $"{Base}/api/v1/hubs/runs/groups/runs/users/client%2F1", "")],
            _service.Calls.Select(c => (c.Method, c.Url, c.Query)));
    }

    [Fact]
    public async Task A_refusal_throws_with_the_status_and_the_services_answer()
    {
        var realtime = _provider.GetRequiredService<IRealtime>();
        _service.Answer = HttpStatusCode.NotFound;

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => realtime.AddUserToGroupAsync("gone", RealtimeGroups.Runs));

        Assert.Equal(HttpStatusCode.NotFound, thrown.StatusCode);
        Assert.Contains("no such connection", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused_as_the_service_would()
    {
        using var wrongKey = CreateProvider(new()
        {
            [$"{AzureSignalROptions.SectionName}:ConnectionString"] = $"Endpoint=http://127.0.0.1:{_service.Port};AccessKey=not-the-key-but-as-long-as-a-real-one;Version=1.0;",
        });

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(
            () => wrongKey.GetRequiredService<IRealtime>().SendToGroupAsync(RealtimeGroups.Runs, RealtimeTargets.RunUpdated, new { }));

        Assert.Equal(HttpStatusCode.Unauthorized, thrown.StatusCode);
        Assert.Equal(["bad signature"], _service.Rejections);
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task Negotiate_returns_the_client_url_and_a_token_for_exactly_that_url()
    {
        var realtime = _provider.GetRequiredService<IRealtime>();

        var negotiated = await realtime.NegotiateAsync(new Uri("https://func.example/"), new RealtimeGrant("alice", ["run-1", "run-2"]));

        Assert.Equal($"{Base}/client/?hub=runs", negotiated.Url);
        var claims = FakeSignalRService.VerifiedClaims(negotiated.AccessToken, AccessKey);
        Assert.NotNull(claims);
        Assert.Equal(negotiated.Url, claims.Value.GetProperty("aud").GetString());
        Assert.Equal("alice", claims.Value.GetProperty("nameid").GetString());
        AssertLifetime(claims.Value, TimeSpan.FromHours(1));
        Assert.Null(FakeSignalRService.VerifiedClaims(negotiated.AccessToken, "another-key"));
        Assert.Equal(new RealtimeGrant("alice", ["run-1", "run-2"]).Claim, realtime.ReadGrant(negotiated.AccessToken)!.Claim);
        Assert.True(realtime.ReadGrant(negotiated.AccessToken)!.Allows("run-2"));
        Assert.False(realtime.ReadGrant(negotiated.AccessToken)!.Allows("run-3"));
        Assert.Null(realtime.ReadGrant(negotiated.AccessToken[..^2] + "xx"));
    }

    [Theory]
    [InlineData("Endpoint=https://x.service.signalr.net;AccessKey=abc=;Version=1.0;", "https://x.service.signalr.net", "abc=")]
    [InlineData("endpoint=https://x.service.signalr.net/;accesskey=k;port=8443", "https://x.service.signalr.net:8443", "k")]
    public void Connection_strings_parse(string text, string endpoint, string key)
    {
        Assert.True(AzureSignalRConnectionString.TryParse(text, out var parsed, out _));
        Assert.Equal(endpoint, parsed.BaseUrl);
        Assert.Equal(key, parsed.AccessKey);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Endpoint=https://x.service.signalr.net;Version=1.0;", "AccessKey")]
    [InlineData("Endpoint=not a url;AccessKey=k", "Endpoint")]
    [InlineData("Endpoint=https://x;AccessKey=k;Port=http", "Port")]
    public void Bad_connection_strings_say_what_is_wrong(string text, string named)
    {
        Assert.False(AzureSignalRConnectionString.TryParse(text, out _, out var error));
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Choosing_Azure_without_a_usable_connection_string_fails_at_start()
    {
        using var provider = CreateProvider(new() { [$"{RealtimeOptions.SectionName}:Provider"] = "AzureSignalR" });

        var thrown = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RealtimeOptions>>().Value);
        Assert.Contains("ConnectionString", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Choosing_Local_on_a_host_without_a_hub_fails_at_start()
    {
        using var provider = CreateProvider(new() { [$"{RealtimeOptions.SectionName}:Provider"] = "Local" });

        var thrown = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RealtimeOptions>>().Value);
        Assert.Contains("local SignalR hub", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_configured_means_realtime_is_off()
    {
        using var provider = CreateProvider([]);

        Assert.Equal(RealtimeProvider.None, provider.GetRequiredService<IOptions<RealtimeOptions>>().Value.Provider);
    }

    private static void AssertLifetime(JsonElement claims, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var issued = claims.GetProperty("iat").GetInt64();
        var expires = claims.GetProperty("exp").GetInt64();
        Assert.InRange(issued, now - 60, now + 1);
        Assert.Equal((long)lifetime.TotalSeconds, expires - issued);
    }

    private static ServiceProvider CreateProvider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddShipSecRealtime()
            .BuildServiceProvider();
    }
}
