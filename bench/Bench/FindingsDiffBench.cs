using System.Globalization;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Bench;

/// <summary>
/// Two completed runs of one workflow with the same inputs, each with <c>count</c> findings (a tenth of them
/// differ), written through the real trace store so run_findings and the recorded baseline are what a scan leaves.
/// </summary>
internal static class FindingsDiffBench
{
    /// <summary>Writes the pair; returns (baseline run, later run).</summary>
    public static async Task<(string Before, string After)> WriteAsync(IRunStore runs, ITraceStore traces, int count)
    {
        var workflowId = "bench-findings-" + Guid.NewGuid().ToString("N")[..8];
        var before = await WriteRunAsync(runs, traces, workflowId, count, offset: 0);
        var after = await WriteRunAsync(runs, traces, workflowId, count, offset: count / 10);
        return (before, after);
    }

    private static async Task<string> WriteRunAsync(IRunStore runs, ITraceStore traces, string workflowId, int count, int offset)
    {
        var runId = "bench-" + Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow;
        await runs.CreateAsync(new NewRun(runId, workflowId, 1, 1, at, InputsDigest: "bench"));
        var events = new List<TraceEvent>
        {
            new() { Id = $"{runId}/status/running", RunId = runId, Type = TraceEventType.WorkflowStatus, Status = RunStatus.Running, Timestamp = at },
            new() { Id = $"{runId}/scan/started", RunId = runId, NodeId = "scan", Attempt = 1, Type = TraceEventType.NodeStarted, Timestamp = at },
        };
        for (var i = offset; i < offset + count; i++)
        {
            var asset = new FindingAsset("127.0.0.1", 1 + (i % 65535), "tcp", $"http://127.0.0.1/{i}");
            events.Add(new TraceEvent
            {
                Id = $"{runId}/scan/finding/{i}",
                RunId = runId,
                NodeId = "scan",
                Attempt = 1,
                Type = TraceEventType.NodeFinding,
                Timestamp = at,
                Finding = new Finding
                {
                    Fingerprint = FindingFingerprint.Of("bench.rule", asset),
                    RuleId = "bench.rule",
                    Title = "Bench finding " + i.ToString(CultureInfo.InvariantCulture),
                    Severity = (FindingSeverity)(i % 5),
                    Asset = asset,
                    Evidence = "seen",
                },
            });
        }

        events.Add(new() { Id = $"{runId}/scan/completed", RunId = runId, NodeId = "scan", Attempt = 1, Type = TraceEventType.NodeCompleted, Timestamp = at });
        events.Add(new() { Id = $"{runId}/status/completed", RunId = runId, Type = TraceEventType.WorkflowStatus, Status = RunStatus.Completed, Timestamp = at });
        foreach (var chunk in events.Chunk(2_000))
        {
            await traces.AppendAsync(chunk);
        }

        return runId;
    }
}
