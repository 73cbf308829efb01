using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Sdk;
using ShipSec.TestSupport;

namespace ShipSec.Bench;

/// <summary>
/// What the orchestration benches do through the host's API (register a workflow, start a run, wait for its end), and the
/// no-op node they are made of, so each bench measures its own shape rather than its own copy of these.
/// </summary>
internal sealed class BenchRuns(IsolatedLocalHost host)
{
    /// <summary>The host's own <c>core.log</c> instance and the inputs of <see cref="NoopWorkflows.Node"/>: the ceiling, called directly.</summary>
    public (IComponent Component, ComponentInputs Inputs) Noop()
    {
        var component = host.Services.GetServices<IComponent>().Single(c => c.Descriptor.Name == "core.log");
        return (component, new ComponentInputs(new Dictionary<string, JsonElement>
        {
            ["message"] = JsonSerializer.SerializeToElement("noop"),
            ["count"] = JsonSerializer.SerializeToElement(0),
        }));
    }

    /// <summary>Registers <paramref name="workflow"/> and answers its id.</summary>
    public async Task<string> RegisterAsync(object workflow, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(JsonSerializer.Serialize(workflow), Encoding.UTF8, "application/json");
        using var created = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content, cancellationToken);
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registering a bench workflow answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
    }

    /// <summary>Starts a run of <paramref name="workflowId"/> and answers its id.</summary>
    public async Task<string> StartAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        using var started = await host.Http.PostAsync(new Uri($"api/workflows/{workflowId}/runs", UriKind.Relative), null, cancellationToken);
        if (started.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Starting a run answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return (await started.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("runId").GetString()!;
    }

    /// <summary>
    /// Polls the run's status every <paramref name="poll"/> (short, so the measuring error stays small beside a run's time)
    /// until it completed, within <paramref name="deadline"/>; a run that failed or was cancelled throws.
    /// </summary>
    public async Task<JsonElement> WaitForEndAsync(string runId, TimeSpan deadline, TimeSpan poll, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        while (true)
        {
            var summary = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{runId}/status", UriKind.Relative), timeout.Token);
            var status = summary.GetProperty("status").GetString();
            if (status == "completed")
            {
                return summary;
            }

            if (status is "failed" or "cancelled")
            {
                throw new InvalidOperationException($"The bench run {runId} ended {status}: {summary}");
            }

            await Task.Delay(poll, timeout.Token);
        }
    }
}
