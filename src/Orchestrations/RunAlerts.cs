using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>Where alerts may go and the secrets they may be signed with (section <c>Alerts</c>).</summary>
public sealed class AlertOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Alerts";

    /// <summary>Webhook hosts alerts may be sent to (names or addresses, compared without case); loopback by default.</summary>
    [MinLength(1)]
    public IList<string> AllowedHosts { get; } = ["127.0.0.1", "::1", "localhost"];

    /// <summary>Signing keys a workflow may name as its webhook's <c>secret</c>, by name.</summary>
    public IDictionary<string, string> Secrets { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Prefix of the links in an alert (such as <c>https://shipsec.example</c>); without it they are paths under /api.</summary>
    public Uri? LinkBaseUrl { get; set; }
}

/// <summary>Input of <see cref="PlanRunAlertsActivity"/>: a run that ended and the workflow's alert rules.</summary>
public sealed record RunAlertsInput(string RunId, string WorkflowId, RunStatus Status, IReadOnlyList<AlertRule> Alerts);

/// <summary>One alert to deliver: the body is fixed when planned, so every attempt sends the same bytes.</summary>
/// <param name="RunId">The run it is about.</param>
/// <param name="DeliveryId">Stable across attempts, so a receiver can drop a repeat (delivery is at least once).</param>
/// <param name="Rule">The index of the rule in the workflow's <c>alerts</c>.</param>
/// <param name="Trigger">What it is about.</param>
/// <param name="Url">Where it goes.</param>
/// <param name="Body">The JSON body.</param>
/// <param name="Attempt">Which attempt this is (set by the orchestrator).</param>
/// <param name="SecretValue">The signing key taken from a secret workflow input, when the rule names one.</param>
/// <param name="SecretName">The configured signing key's name (<c>Alerts:Secrets</c>), when the rule names one.</param>
public sealed record AlertDelivery(
    string RunId, string DeliveryId, int Rule, AlertTrigger Trigger, string Url, string Body, int Attempt = 1, string? SecretValue = null, string? SecretName = null);

/// <summary>How one delivery attempt went.</summary>
public enum AlertOutcome
{
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>It failed in a way that may pass later (unreachable, timeout, 5xx, 429): try again.</summary>
    Retry,

    /// <summary>It can never be delivered (host not allowed, unknown secret, a 4xx answer): stop.</summary>
    Refused,
}

/// <summary>
/// Decides which of a run's alert rules fire once the run's end is stored: <c>run-failed</c> when it failed,
/// <c>new-findings</c> when it reported findings (at least the rule's severity) that its baseline did not.
/// Throws while the run's end is not stored yet, so the orchestrator's retry waits for the trace to catch up.
/// </summary>
public sealed class PlanRunAlertsActivity(IRunStore runs, IRunFindings findings, IRunBaselines baselines, IOptions<AlertOptions> options)
    : TaskActivity<RunAlertsInput, IReadOnlyList<AlertDelivery>>
{
    /// <inheritdoc />
    public override async Task<IReadOnlyList<AlertDelivery>> RunAsync(TaskActivityContext context, RunAlertsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var summary = await runs.GetAsync(input.RunId) ?? throw new InvalidOperationException($"Run {input.RunId} is not stored.");
        if (summary.Status != input.Status)
        {
            throw new InvalidOperationException($"Run {input.RunId} is stored {WireName.Of(summary.Status)}, not yet {WireName.Of(input.Status)}: its trace has not caught up.");
        }

        IReadOnlyList<RunFinding>? added = null;
        string? baselineRunId = null;
        var deliveries = new List<AlertDelivery>();
        for (var i = 0; i < input.Alerts.Count; i++)
        {
            var rule = input.Alerts[i];
            object? subject = null;
            if (rule.On == AlertTrigger.RunFailed && summary.Status == RunStatus.Failed)
            {
                subject = new { failure = summary.Failure };
            }
            else if (rule.On == AlertTrigger.NewFindings && summary.Status == RunStatus.Completed)
            {
                if (added is null)
                {
                    baselineRunId = (await baselines.FindAsync(input.RunId))?.RunId;
                    var before = baselineRunId is null ? [] : await findings.ListAsync(baselineRunId);
                    added = RunDiffer.CompareFindings(before, await findings.ListAsync(input.RunId)).Added;
                }

                var matching = added.Where(f => rule.MinSeverity is not { } min || f.Severity >= min).ToList();
                if (matching.Count > 0)
                {
                    subject = new { baselineRunId, findings = matching };
                }
            }

            if (subject is null)
            {
                continue;
            }

            var deliveryId = $"{input.RunId}-{i}";
            var body = JsonSerializer.Serialize(
                new
                {
                    deliveryId,
                    @event = rule.On,
                    runId = input.RunId,
                    workflowId = input.WorkflowId,
                    status = summary.Status,
                    subject,
                    links = new
                    {
                        run = Link($"api/workflows/runs/{input.RunId}/status"),
                        baselineDiff = Link($"api/workflows/runs/{input.RunId}/diff/baseline"),
                    },
                },
                ShipSecJson.Options);
            var secretName = rule.Webhook.Secret is { ValueKind: JsonValueKind.String } named ? named.GetString() : null;
            deliveries.Add(new AlertDelivery(input.RunId, deliveryId, i, rule.On, rule.Webhook.Url, body, SecretName: secretName));
        }

        return deliveries;
    }

    private string Link(string path) => options.Value.LinkBaseUrl is { } root ? new Uri(root, path).ToString() : "/" + path;
}

/// <summary>
/// One attempt to POST an alert: only to a host on <see cref="AlertOptions.AllowedHosts"/>, never following a
/// redirect, signed with <c>X-ShipSec-Signature: sha256=&lt;HMAC-SHA256 of the body&gt;</c> when the rule has a
/// key. Every attempt is recorded in the run's trace as a <c>RUN_ALERT</c> event (host, status code, attempt).
/// </summary>
public sealed class DeliverAlertActivity(ITracePublisher publisher, IOptions<AlertOptions> options, TimeProvider clock, ILogger<DeliverAlertActivity> logger)
    : TaskActivity<AlertDelivery, AlertOutcome>
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-ShipSec-Signature";

    /// <summary>The delivery id header.</summary>
    public const string DeliveryHeader = "X-ShipSec-Delivery";

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    // One handler for every delivery; no proxy (loopback receivers) and no redirects (they could leave the allow-list).
    private static readonly HttpClient Client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <inheritdoc />
    public override async Task<AlertOutcome> RunAsync(TaskActivityContext context, AlertDelivery input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var url = new Uri(input.Url, UriKind.Absolute);
        var host = url.IdnHost.Trim('[', ']');
        var settings = options.Value;
        if (!settings.AllowedHosts.Any(allowed => string.Equals(allowed, host, StringComparison.OrdinalIgnoreCase)))
        {
            return await RecordAsync(input, host, AlertOutcome.Refused, $"{host} is not on Alerts:AllowedHosts", "alert-host-not-allowed");
        }

        string? key = input.SecretValue;
        if (input.SecretName is { } name && !settings.Secrets.TryGetValue(name, out key))
        {
            return await RecordAsync(input, host, AlertOutcome.Refused, $"no secret '{name}' is configured under Alerts:Secrets", "alert-secret-unknown");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(input.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add(DeliveryHeader, input.DeliveryId);
        request.Headers.Add("X-ShipSec-Event", WireName.Of(input.Trigger));
        if (!string.IsNullOrEmpty(key))
        {
            request.Headers.Add(SignatureHeader, Sign(key, input.Body));
        }

        using var deadline = new CancellationTokenSource(AttemptTimeout);
        try
        {
            using var response = await Client.SendAsync(request, deadline.Token);
            var code = (int)response.StatusCode;
            var outcome = response.IsSuccessStatusCode ? AlertOutcome.Delivered
                : code >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout ? AlertOutcome.Retry
                : AlertOutcome.Refused;
            return await RecordAsync(input, host, outcome, $"{code} {response.ReasonPhrase}", outcome == AlertOutcome.Delivered ? null : "alert-rejected");
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            OrchestrationLogs.AlertAttemptFailed(logger, exception, input.RunId, host, input.Attempt);
            return await RecordAsync(input, host, AlertOutcome.Retry, exception is OperationCanceledException ? "no answer within 10 s" : exception.Message, "alert-unreachable");
        }
    }

    /// <summary><c>sha256=</c> and the hex HMAC-SHA256 of <paramref name="body"/> under <paramref name="key"/>: what a receiver recomputes.</summary>
    public static string Sign(string key, string body)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(body);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(body)));
    }

    private async Task<AlertOutcome> RecordAsync(AlertDelivery input, string host, AlertOutcome outcome, string detail, string? errorKind)
    {
        var message = $"Alert '{WireName.Of(input.Trigger)}' to {host}: {detail} (attempt {input.Attempt}{(outcome == AlertOutcome.Retry ? ", will retry" : string.Empty)})";
        await publisher.PublishAsync(
        [
            new TraceEvent
            {
                Id = TraceEventIds.RunAlert(input.RunId, input.DeliveryId, input.Attempt),
                RunId = input.RunId,
                Attempt = input.Attempt,
                Type = TraceEventType.RunAlert,
                Level = outcome == AlertOutcome.Delivered ? TraceEventLevel.Info : TraceEventLevel.Warn,
                Timestamp = clock.GetUtcNow(),
                Message = message,
                Error = errorKind is null ? null : new TraceError(message, errorKind, outcome == AlertOutcome.Retry),
            },
        ]);
        return outcome;
    }
}
