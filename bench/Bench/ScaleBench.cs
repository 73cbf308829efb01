using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ShipSec.TestSupport;

namespace ShipSec.Bench;

/// <summary>
/// Issue 13's figures on one host: wide DAGs of no-op nodes (<c>core.log</c> with count 0) of growing size, small runs
/// started while a big one executes, and many runs at once. The DAG shape is the same at every size: ten levels, each
/// node waiting for two nodes of the level before, so only the width grows with the node count.
/// </summary>
internal sealed class ScaleBench(IsolatedLocalHost host)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(30);

    /// <summary>A short poll keeps the measuring error small beside a run's time.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    private readonly BenchRuns _runs = new(host);

    private readonly Dictionary<(int Nodes, int? MaxParallelNodes), string> _wide = [];

    private string? _small;

    /// <summary>One finished run: how long from the start request to its final status, and how many nodes it had.</summary>
    public sealed record RunTiming(string RunId, int Nodes, double Milliseconds)
    {
        public double NodesPerSecond => Nodes / (Milliseconds / 1000);

        public double MillisecondsPerNode => Milliseconds / Nodes;
    }

    /// <summary>
    /// Runs a wide DAG of <paramref name="nodes"/> nodes to completion, at most <paramref name="maxParallelNodes"/> at once
    /// (the deployment's default when null).
    /// </summary>
    public async Task<RunTiming> WideAsync(int nodes, int? maxParallelNodes = null, CancellationToken cancellationToken = default)
    {
        if (!_wide.TryGetValue((nodes, maxParallelNodes), out var workflowId))
        {
            workflowId = _wide[(nodes, maxParallelNodes)] = await _runs.RegisterAsync(NoopWorkflows.Wide($"bench-wide-{nodes}-{Guid.NewGuid():N}", nodes, maxParallelNodes), cancellationToken);
        }

        return await RunAsync(workflowId, nodes, cancellationToken);
    }

    /// <summary>
    /// Starts a wide DAG of <paramref name="bigNodes"/>, then <paramref name="smallRuns"/> three-node runs one after another
    /// while it executes; answers each small run's time from start to completion and the big run's own timing.
    /// </summary>
    public async Task<(IReadOnlyList<double> Small, RunTiming Big)> SmallDuringBigAsync(int bigNodes, int smallRuns, CancellationToken cancellationToken = default)
    {
        if (!_wide.TryGetValue((bigNodes, null), out var bigWorkflow))
        {
            bigWorkflow = _wide[(bigNodes, null)] = await _runs.RegisterAsync(NoopWorkflows.Wide($"bench-wide-{bigNodes}-{Guid.NewGuid():N}", bigNodes), cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        var bigRunId = await _runs.StartAsync(bigWorkflow, cancellationToken);
        var big = _runs.WaitForEndAsync(bigRunId, Deadline, Poll, cancellationToken);
        // Let the big run fill its share of the workers before the small ones arrive.
        await WaitForCompletedNodesAsync(bigRunId, Math.Min(100, bigNodes / 10), cancellationToken);
        var small = new List<double>();
        for (var i = 0; i < smallRuns && !big.IsCompleted; i++)
        {
            small.Add((await SmallAsync(cancellationToken)).Milliseconds);
        }

        await big;
        return (small, new RunTiming(bigRunId, bigNodes, clock.Elapsed.TotalMilliseconds));
    }

    /// <summary>One three-node run (a chain) on an otherwise idle host, or beside whatever else runs.</summary>
    public async Task<RunTiming> SmallAsync(CancellationToken cancellationToken = default)
    {
        _small ??= await _runs.RegisterAsync(NoopWorkflows.Chain($"bench-small-{Guid.NewGuid():N}", 3), cancellationToken);
        return await RunAsync(_small, 3, cancellationToken);
    }

    /// <summary>Starts <paramref name="runs"/> runs of a ten-node workflow at once and waits for all: wall time and exactness.</summary>
    public async Task<(double Milliseconds, int Exact)> ManyAsync(int runs, CancellationToken cancellationToken = default)
    {
        var workflowId = await _runs.RegisterAsync(NoopWorkflows.Wide($"bench-ten-{Guid.NewGuid():N}", 10), cancellationToken);
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(16);
        var started = await Task.WhenAll(Enumerable.Range(0, runs).Select(async _ =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return await _runs.StartAsync(workflowId, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        foreach (var runId in started)
        {
            await _runs.WaitForEndAsync(runId, Deadline, Poll, cancellationToken);
        }

        var elapsed = clock.Elapsed.TotalMilliseconds;
        var exact = 0;
        foreach (var runId in started)
        {
            exact += await IsExactAsync(runId, 10, cancellationToken) ? 1 : 0;
        }

        return (elapsed, exact);
    }

    /// <summary>Calls the host's own <c>core.log</c> instance <paramref name="nodes"/> times, 32 at once: the ceiling.</summary>
    public async Task<RunTiming> DirectAsync(int nodes)
    {
        var (component, inputs) = _runs.Noop();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, nodes), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, _) => await component.ExecuteAsync(new DirectComponentContext($"n{i}", inputs)));
        return new RunTiming("direct", nodes, clock.Elapsed.TotalMilliseconds);
    }

    private async Task<RunTiming> RunAsync(string workflowId, int nodes, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var runId = await _runs.StartAsync(workflowId, cancellationToken);
        await _runs.WaitForEndAsync(runId, Deadline, Poll, cancellationToken);
        return new RunTiming(runId, nodes, clock.Elapsed.TotalMilliseconds);
    }

    private async Task WaitForCompletedNodesAsync(string runId, int count, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Deadline);
        while (true)
        {
            var summary = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{runId}/status", UriKind.Relative), timeout.Token);
            if (summary.GetProperty("progress").GetProperty("nodesCompleted").GetInt32() >= count || summary.GetProperty("status").GetString() != "running" && summary.GetProperty("status").GetString() != "queued")
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }

    /// <summary>The run's trace is gapless (sequences 1..n) and has each node's start and end exactly once.</summary>
    private async Task<bool> IsExactAsync(string runId, int nodes, CancellationToken cancellationToken)
        => (await ReadTraceAsync(runId, cancellationToken)).IsExact(nodes);

    /// <summary>What a finished run's whole trace says: whether it is exact, and how long after its last node's end its final status came.</summary>
    public sealed record TraceCheck(bool Gapless, int Started, int Completed, TimeSpan FinalStatusAfterLastNode)
    {
        public bool IsExact(int nodes) => Gapless && Started == nodes && Completed == nodes;
    }

    /// <summary>Reads the run's whole trace, a page of 5,000 at a time.</summary>
    public async Task<TraceCheck> ReadTraceAsync(string runId, CancellationToken cancellationToken = default)
    {
        long after = 0;
        var (gapless, started, completed) = (true, 0, 0);
        DateTimeOffset lastNodeEnd = default, finalStatus = default;
        while (true)
        {
            var page = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{runId}/trace?after={after}&limit=5000", UriKind.Relative), cancellationToken);
            foreach (var e in page.GetProperty("events").EnumerateArray())
            {
                var sequence = e.GetProperty("sequence").GetInt64();
                gapless &= sequence == after + 1;
                after = sequence;
                var at = e.GetProperty("timestamp").GetDateTimeOffset();
                switch (e.GetProperty("type").GetString())
                {
                    case "NODE_STARTED":
                        started++;
                        break;
                    case "NODE_COMPLETED":
                        completed++;
                        lastNodeEnd = at > lastNodeEnd ? at : lastNodeEnd;
                        break;
                    case "WORKFLOW_STATUS":
                        finalStatus = at;
                        break;
                }
            }

            if (!page.GetProperty("hasMore").GetBoolean())
            {
                return new TraceCheck(gapless, started, completed, finalStatus - lastNodeEnd);
            }
        }
    }
}
