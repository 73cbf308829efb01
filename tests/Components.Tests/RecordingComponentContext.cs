using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Json;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components.Tests;

public sealed record RecordedLog(DateTimeOffset At, TraceEventLevel Level, string Message);

public sealed record RecordedProgress(DateTimeOffset At, long Current, long Total, string? Message);

public sealed record RecordedArtifact(DateTimeOffset At, ArtifactReference Reference, byte[] Content);

/// <summary>An in-memory context that records what a component writes to its trace, with timestamps.</summary>
public sealed class RecordingComponentContext : IComponentContext
{
    private readonly ConcurrentQueue<RecordedLog> logs = new();
    private readonly ConcurrentQueue<RecordedProgress> progress = new();
    private readonly ConcurrentQueue<RecordedArtifact> artifacts = new();
    private readonly ConcurrentQueue<Finding> findings = new();
    private readonly IArtifactStore? store;
    private readonly Lock gate = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int artifactCounter;

    public RecordingComponentContext(
        object? inputs = null, int attempt = 1, IArtifactStore? store = null, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.SerializeToElement(inputs ?? new { }, ShipSecJson.Options);
        Inputs = new ComponentInputs(json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));
        Attempt = attempt;
        CancellationToken = cancellationToken;
        this.store = store;
    }

    public string RunId { get; init; } = "run-test";

    public string NodeId { get; init; } = "node-test";

    public int Attempt { get; }

    public ComponentInputs Inputs { get; }

    public CancellationToken CancellationToken { get; }

    public IReadOnlyList<RecordedLog> Logs => [.. logs];

    public IReadOnlyList<RecordedProgress> ProgressReports => [.. progress];

    public IReadOnlyList<RecordedArtifact> Artifacts => [.. artifacts];

    public IReadOnlyList<Finding> Findings => [.. findings];

    public Finding ReportFinding(string ruleId, string title, FindingSeverity severity, FindingAsset asset, string? evidence = null, JsonElement? details = null)
    {
        var finding = Shared.Trace.Findings.Create(ruleId, title, severity, asset, evidence, details);
        findings.Enqueue(finding);
        Signal();
        return finding;
    }

    public void Log(TraceEventLevel level, string message)
    {
        logs.Enqueue(new RecordedLog(DateTimeOffset.UtcNow, level, message));
        Signal();
    }

    public void Progress(long current, long total, string? message = null)
    {
        progress.Enqueue(new RecordedProgress(DateTimeOffset.UtcNow, current, total, message));
        Signal();
    }

    public async Task<ArtifactReference> EmitArtifactAsync(
        string name, string contentType, Stream content, CancellationToken cancellationToken = default)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        var bytes = copy.ToArray();
        var artifactId = $"artifact-{Interlocked.Increment(ref artifactCounter)}";
        var descriptor = new ArtifactDescriptor(RunId, NodeId, Attempt, artifactId, name, contentType);
        var reference = store is null
            ? new ArtifactReference
            {
                ArtifactId = artifactId,
                Name = name,
                ContentType = contentType,
                Size = bytes.Length,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                Container = "memory",
                BlobName = BlobNames.For(descriptor),
            }
            : await store.SaveAsync(descriptor, new MemoryStream(bytes), cancellationToken);
        artifacts.Enqueue(new RecordedArtifact(DateTimeOffset.UtcNow, reference, bytes));
        Signal();
        return reference;
    }

    /// <summary>Waits until a recorded log line matches, failing the test at the deadline.</summary>
    public async Task<RecordedLog> WaitForLogAsync(Func<RecordedLog, bool> match, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            Task next;
            lock (gate)
            {
                next = changed.Task;
            }

            if (logs.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"No matching log line in time; got: {string.Join(" | ", logs.Select(l => l.Message))}");
            }
        }
    }

    private void Signal()
    {
        TaskCompletionSource done;
        lock (gate)
        {
            done = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }
}

internal static class Outputs
{
    public static T Read<T>(this ComponentOutputs outputs, string name)
        => outputs.Values[name].Deserialize<T>(ShipSecJson.Options)!;
}

/// <summary>Waits for a condition with a deadline, polling without sleeping the test on a fixed delay.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not true in time: {what}");
            }
        }
    }
}
