using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Sdk;
using ShipSec.TestSupport;

namespace ShipSec.Bench;

/// <summary>
/// Wall time per level of a DAG of no-op nodes (<c>core.log</c> with count 0), run by the host's orchestrator,
/// beside calling the same component instance level by level in a loop in this process.
/// </summary>
internal sealed class OrchestrationBench(IsolatedLocalHost host, int levels, int width)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    private string? _workflowId;

    /// <summary>Milliseconds per level of one run through the API: from the start request to the completed status.</summary>
    public async Task<double> OursAsync()
    {
        _workflowId ??= await RegisterAsync();
        var clock = Stopwatch.StartNew();
        using var started = await host.Http.PostAsync(new Uri($"api/workflows/{_workflowId}/runs", UriKind.Relative), null);
        if (started.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Starting a run answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        }

        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString();
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            var summary = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{runId}/status", UriKind.Relative), timeout.Token);
            var status = summary.GetProperty("status").GetString();
            if (status == "completed")
            {
                return clock.Elapsed.TotalMilliseconds / levels;
            }

            if (status is "failed" or "cancelled")
            {
                throw new InvalidOperationException($"The bench run {runId} ended {status}: {summary}");
            }

            // A short poll keeps the measuring error small beside a level's time.
            await Task.Delay(TimeSpan.FromMilliseconds(5), timeout.Token);
        }
    }

    /// <summary>Milliseconds per level calling the host's own <c>core.log</c> instance directly, a level's nodes at once.</summary>
    public async Task<double> DirectAsync()
    {
        var component = host.Services.GetServices<IComponent>().Single(c => c.Descriptor.Name == "core.log");
        var inputs = new ComponentInputs(new Dictionary<string, JsonElement>
        {
            ["message"] = JsonSerializer.SerializeToElement("noop"),
            ["count"] = JsonSerializer.SerializeToElement(0),
        });
        var clock = Stopwatch.StartNew();
        for (var level = 0; level < levels; level++)
        {
            await Task.WhenAll(Enumerable.Range(0, width).Select(i => component.ExecuteAsync(new DirectComponentContext($"l{level}n{i}", inputs))));
        }

        return clock.Elapsed.TotalMilliseconds / levels;
    }

    private async Task<string> RegisterAsync()
    {
        var nodes = new List<object>();
        for (var level = 0; level < levels; level++)
        {
            for (var i = 0; i < width; i++)
            {
                var previous = level;
                nodes.Add(new
                {
                    id = $"l{level}n{i}",
                    component = "core.log",
                    inputs = new { message = "noop", count = 0 },
                    dependsOn = level == 0 ? [] : Enumerable.Range(0, width).Select(j => $"l{previous - 1}n{j}").ToArray(),
                });
            }
        }

        var workflow = JsonSerializer.Serialize(new { id = $"bench-dag-{levels}x{width}", name = $"Bench DAG {levels}x{width}", nodes });
        using var content = new StringContent(workflow, Encoding.UTF8, "application/json");
        using var created = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registering the bench DAG answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        }

        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
