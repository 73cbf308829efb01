using System.Diagnostics;
using ShipSec.TestSupport;

namespace ShipSec.Bench;

/// <summary>
/// Wall time per level of a DAG of no-op nodes (<c>core.log</c> with count 0), run by the host's orchestrator,
/// beside calling the same component instance level by level in a loop in this process.
/// </summary>
internal sealed class OrchestrationBench(IsolatedLocalHost host, int levels, int width)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    private readonly BenchRuns _runs = new(host);

    private string? _workflowId;

    /// <summary>Milliseconds per level of one run through the API: from the start request to the completed status.</summary>
    public async Task<double> OursAsync()
    {
        _workflowId ??= await _runs.RegisterAsync(Dag());
        var clock = Stopwatch.StartNew();
        var runId = await _runs.StartAsync(_workflowId);
        // A short poll keeps the measuring error small beside a level's time.
        await _runs.WaitForEndAsync(runId, Deadline, TimeSpan.FromMilliseconds(5));
        return clock.Elapsed.TotalMilliseconds / levels;
    }

    /// <summary>Milliseconds per level calling the host's own <c>core.log</c> instance directly, a level's nodes at once.</summary>
    public async Task<double> DirectAsync()
    {
        var (component, inputs) = _runs.Noop();
        var clock = Stopwatch.StartNew();
        for (var level = 0; level < levels; level++)
        {
            await Task.WhenAll(Enumerable.Range(0, width).Select(i => component.ExecuteAsync(new DirectComponentContext($"l{level}n{i}", inputs))));
        }

        return clock.Elapsed.TotalMilliseconds / levels;
    }

    private object Dag()
    {
        var nodes = new List<object>();
        for (var level = 0; level < levels; level++)
        {
            for (var i = 0; i < width; i++)
            {
                var previous = level;
                nodes.Add(NoopWorkflows.Node($"l{level}n{i}", level == 0 ? [] : [.. Enumerable.Range(0, width).Select(j => $"l{previous - 1}n{j}")]));
            }
        }

        return new { id = $"bench-dag-{levels}x{width}", name = $"Bench DAG {levels}x{width}", nodes };
    }
}
