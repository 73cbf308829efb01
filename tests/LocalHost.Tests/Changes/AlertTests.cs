using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Orchestrations;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Changes;

/// <summary>
/// Regression alerts as a team receives them: a webhook on loopback that this test runs gets one signed delivery
/// for the run that found something new, none for the run that found the same, and one after it comes back up.
/// </summary>
public sealed class AlertTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private const string HookSecret = "alert-signing-key";

    [Fact]
    public async Task Only_the_run_with_a_new_finding_alerts_and_its_delivery_is_signed()
    {
        using var open = LoopbackPorts.Listen();
        var port = open.Port();
        await using var receiver = WebhookReceiver.Start(LoopbackPorts.Free());
        await RegisterAsync("alert-new", receiver.Url);

        var first = await RunToEndAsync("alert-new", port);
        var delivery = await receiver.NextAsync();
        var identical = await RunToEndAsync("alert-new", port);

        // The first run has no baseline, so its open port is new; the identical run's baseline is the first.
        Assert.Equal(DeliverAlertActivity.Sign(HookSecret, delivery.Body), delivery.Signature);
        Assert.Equal($"{first}-0", delivery.DeliveryId);
        using var body = JsonDocument.Parse(delivery.Body);
        Assert.Equal("new-findings", body.RootElement.GetProperty("event").GetString());
        Assert.Equal(first, body.RootElement.GetProperty("runId").GetString());
        var finding = Assert.Single(body.RootElement.GetProperty("subject").GetProperty("findings").EnumerateArray());
        Assert.Equal(port, finding.GetProperty("asset").GetProperty("port").GetInt32());
        Assert.Equal($"/api/workflows/runs/{first}/diff/baseline", body.RootElement.GetProperty("links").GetProperty("baselineDiff").GetString());

        // The identical run's orchestration ends after deciding its alerts: by then nothing more has arrived.
        await WaitForOrchestrationAsync(identical);
        Assert.Equal(0, receiver.Pending);
        Assert.DoesNotContain(await host.GetTraceAsync(identical), e => e.Type == TraceEventType.RunAlert);
        var recorded = Assert.Single(await host.GetTraceAsync(first), e => e.Type == TraceEventType.RunAlert);
        Assert.Null(recorded.Error);
        Assert.Contains("127.0.0.1", recorded.Message, StringComparison.Ordinal);
        Assert.Contains("200", recorded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_that_is_down_when_the_run_ends_gets_the_alert_once_it_is_back()
    {
        using var open = LoopbackPorts.Listen();
        var hookPort = LoopbackPorts.Free();
        await RegisterAsync("alert-later", new Uri($"http://127.0.0.1:{hookPort}/hook"));

        var runId = await RunToEndAsync("alert-later", open.Port());
        var failed = await host.WaitForTraceAsync(runId, trace => trace.Any(e => e is { Type: TraceEventType.RunAlert, Error.Kind: "alert-unreachable" }));
        Assert.Equal(RunStatus.Completed, (await host.GetStatusAsync(runId)).Status);

        await using var receiver = WebhookReceiver.Start(hookPort);
        var delivery = await receiver.NextAsync();

        Assert.Equal($"{runId}-0", delivery.DeliveryId);
        Assert.Equal(DeliverAlertActivity.Sign(HookSecret, delivery.Body), delivery.Signature);
        await WaitForOrchestrationAsync(runId);
        Assert.Equal(0, receiver.Pending);
        var attempts = (await host.GetTraceAsync(runId)).Where(e => e.Type == TraceEventType.RunAlert).ToList();
        Assert.Null(attempts[^1].Error);
        Assert.All(attempts[..^1], a => Assert.Equal("alert-unreachable", a.Error!.Kind));
        Assert.NotEmpty(failed);
    }

    [Fact]
    public async Task A_webhook_off_the_allow_list_is_never_called_and_the_refusal_is_in_the_trace()
    {
        using var open = LoopbackPorts.Listen();
        // 127.0.0.2 is loopback but not on the default Alerts:AllowedHosts, so a broken check still stays on this machine.
        await RegisterAsync("alert-refused", new Uri("http://127.0.0.2:9/hook"));

        var runId = await RunToEndAsync("alert-refused", open.Port());

        var trace = await host.WaitForTraceAsync(runId, t => t.Any(e => e.Type == TraceEventType.RunAlert));
        var refused = Assert.Single(trace, e => e.Type == TraceEventType.RunAlert);
        Assert.Equal("alert-host-not-allowed", refused.Error!.Kind);
        Assert.Equal(RunStatus.Completed, (await host.GetStatusAsync(runId)).Status);
    }

    private async Task RegisterAsync(string workflowId, Uri hook)
    {
        var workflow = new
        {
            id = workflowId,
            name = workflowId,
            inputs = new Dictionary<string, object>
            {
                ["ports"] = new { type = "ports", required = true },
                ["hookSecret"] = new { type = "string", secret = true, @default = HookSecret },
            },
            nodes = new object[]
            {
                new { id = "scan", component = "security.nmap", inputs = new Dictionary<string, object> { ["host"] = "127.0.0.1", ["ports"] = new Dictionary<string, string> { ["$input"] = "ports" } } },
            },
            alerts = new object[]
            {
                new { on = "new-findings", webhook = new { url = hook.ToString(), secret = new Dictionary<string, string> { ["$input"] = "hookSecret" } } },
                new { on = "run-failed", webhook = new { url = hook.ToString() } },
            },
        };
        using var content = new StringContent(JsonSerializer.Serialize(workflow), Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> RunToEndAsync(string workflowId, int port)
    {
        using var content = new StringContent(
            JsonSerializer.Serialize(new { inputs = new { ports = port.ToString(CultureInfo.InvariantCulture) } }), Encoding.UTF8, "application/json");
        using var started = await host.Http.PostAsync(new Uri($"api/workflows/{workflowId}/runs", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(runId)).Status);
        return runId;
    }

    private async Task WaitForOrchestrationAsync(string runId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var instance = await client.WaitForInstanceCompletionAsync(runId, deadline.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
    }

    /// <summary>A webhook receiver on 127.0.0.1 that answers 200 and keeps what it was sent.</summary>
    private sealed class WebhookReceiver : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Channel<Delivery> deliveries = Channel.CreateUnbounded<Delivery>();
        private readonly Task loop;

        private WebhookReceiver(int port)
        {
            Url = new Uri($"http://127.0.0.1:{port}/hook");
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            loop = Task.Run(ServeAsync);
        }

        public Uri Url { get; }

        public int Pending => deliveries.Reader.Count;

        public static WebhookReceiver Start(int port) => new(port);

        public async Task<Delivery> NextAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            return await deliveries.Reader.ReadAsync(deadline.Token);
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await loop;
        }

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                deliveries.Writer.TryWrite(new Delivery(
                    context.Request.Headers[DeliverAlertActivity.DeliveryHeader], context.Request.Headers[DeliverAlertActivity.SignatureHeader], body));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }
    }

    private sealed record Delivery(string? DeliveryId, string? Signature, string Body);
}
