using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>
/// Runs one attempt of one node: resolves its inputs, runs the component with a context that streams
/// its trace, enforces the node's timeout and the run's cancellation, and returns a small result. Every
/// outcome of the component is a result, never an exception, so orchestration history stays small; the
/// attempt's trace is flushed before the activity returns.
/// </summary>
public sealed class RunNodeActivity(
    IComponentCatalog components,
    ITracePublisher publisher,
    ITraceStore traces,
    IArtifactStore artifacts,
    IRunStore runs,
    IOptions<TraceLimitsOptions> limits,
    TimeProvider clock,
    ILogger<RunNodeActivity> logger) : TaskActivity<RunNodeInput, NodeAttemptResult>
{
    /// <summary>Outputs larger than this (serialised) go to a blob instead of orchestration history.</summary>
    internal const int MaxInlineOutputBytes = 32 * 1024;

    /// <summary>Outputs up to this size appear whole in NODE_COMPLETED; larger ones are described.</summary>
    internal const int MaxSummaryValueBytes = 512;

    private static readonly TimeSpan CancellationPollInterval = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public override async Task<NodeAttemptResult> RunAsync(TaskActivityContext context, RunNodeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var node = input.Node;

        // Durable activities run at least once: after a worker stops mid-attempt the same attempt is
        // delivered again. It is told apart in the trace rather than silently merged with the first.
        var delivery = await CountStartsThroughOutagesAsync(input) + 1;
        await using var trace = new NodeTraceWriter(publisher, clock, logger, limits.Value, input.RunId, node.Id, input.Attempt, delivery);
        trace.Emit(trace.Lifecycle(TraceEventType.NodeStarted, delivery > 1 ? TraceEventLevel.Warn : TraceEventLevel.Info) with
        {
            Message = delivery > 1
                ? $"{node.Component} started again (attempt {input.Attempt} of {input.MaxAttempts}, delivery {delivery}): the worker running it stopped before it finished"
                : $"{node.Component} started (attempt {input.Attempt} of {input.MaxAttempts})",
        });
        OrchestrationLogs.AttemptStarted(logger, input.RunId, node.Id, input.Attempt, node.Component);
        var startedAt = clock.GetTimestamp();

        var result = await ExecuteAsync(input, trace);
        trace.Emit(result.Outcome switch
        {
            NodeAttemptOutcome.Succeeded => trace.Lifecycle(TraceEventType.NodeCompleted, TraceEventLevel.Info) with
            {
                Message = $"{node.Component} completed in {(long)clock.GetElapsedTime(startedAt).TotalMilliseconds} ms",
                OutputSummary = result.Outputs?.Inline is { } inline ? Summarise(inline) : null,
            },
            _ => trace.Lifecycle(TraceEventType.NodeFailed, TraceEventLevel.Error) with
            {
                Message = result.Error!.Message,
                Error = result.Error,
            },
        });

        // The activity must not return before its events are acknowledged: "nothing acknowledged is lost".
        await trace.CompleteAsync();
        OrchestrationLogs.AttemptEnded(logger, input.RunId, node.Id, input.Attempt, result.Outcome, (long)clock.GetElapsedTime(startedAt).TotalMilliseconds);
        return result;
    }

    // The node has not started yet, so waiting for the store costs it nothing; failing here would fail the
    // attempt over an outage (bounded like the trace's own delivery).
    private async Task<int> CountStartsThroughOutagesAsync(RunNodeInput input)
    {
        var giveUpAt = clock.GetUtcNow().AddSeconds(limits.Value.MaxDeliveryOutageSeconds);
        var delay = TimeSpan.FromMilliseconds(100);
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await traces.CountStartsAsync(input.RunId, input.Node.Id, input.Attempt);
            }
            catch (TraceStoreUnavailableException exception) when (clock.GetUtcNow() < giveUpAt)
            {
                OrchestrationLogs.WaitingForTraceStore(logger, exception, input.RunId, input.Node.Id, tries);
                await Task.Delay(delay, clock);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
            }
        }
    }

    private async Task<NodeAttemptResult> ExecuteAsync(RunNodeInput input, NodeTraceWriter trace)
    {
        var node = input.Node;
        var willRetry = input.Attempt < input.MaxAttempts;
        if (!components.TryGet(node.Component, out var component))
        {
            return Failed($"Unknown component '{node.Component}'.", "unknown-component", willRetry: false);
        }

        using var timeout = new CancellationTokenSource(
            node.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan, clock);
        using var cancellation = new CancellationTokenSource();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellation.Token);
        using var watcherStop = new CancellationTokenSource();
        var watcher = WatchForCancellationAsync(input.RunId, cancellation, watcherStop.Token);
        try
        {
            var inputs = await ResolveInputsAsync(input, attempt.Token);
            foreach (var secret in component.Descriptor.Inputs.Where(d => d.Secret && inputs.ContainsKey(d.Name)))
            {
                trace.Secrets.Add(inputs[secret.Name]);
            }

            var context = new NodeComponentContext(trace, artifacts, new ComponentInputs(inputs), attempt.Token);
            var outputs = await component.ExecuteAsync(context);
            return new NodeAttemptResult(NodeAttemptOutcome.Succeeded, await ToBoundaryAsync(input, outputs, attempt.Token), null);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return new NodeAttemptResult(NodeAttemptOutcome.Cancelled, null, new TraceError("The run was cancelled.", TraceFold.CancelledKind));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Failed($"Timed out after {node.TimeoutSeconds} s.", "timeout", willRetry);
        }
#pragma warning disable CA1031 // Whatever a component throws fails this attempt; it must never crash the activity.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return Failed(exception.Message, exception is ComponentInputException ? "invalid-input" : "exception", willRetry);
        }
        finally
        {
            await watcherStop.CancelAsync();
            await watcher;
        }

        static NodeAttemptResult Failed(string message, string kind, bool willRetry)
            => new(NodeAttemptOutcome.Failed, null, new TraceError(message, kind, willRetry));
    }

    private async Task<Dictionary<string, JsonElement>> ResolveInputsAsync(RunNodeInput input, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var loaded = new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>(StringComparer.Ordinal);
        foreach (var (name, value) in input.Node.Inputs)
        {
            if (!InputReference.TryParse(value, out var reference))
            {
                resolved[name] = value;
                continue;
            }

            var (nodeId, output) = reference.Value;
            if (!loaded.TryGetValue(nodeId, out var upstream))
            {
                upstream = input.Upstream.TryGetValue(nodeId, out var outputs)
                    ? await LoadAsync(outputs, cancellationToken)
                    : throw new ComponentInputException(name, $"references node '{nodeId}', whose outputs were not passed in");
                loaded[nodeId] = upstream;
            }

            resolved[name] = upstream.TryGetValue(output, out var outputValue)
                ? outputValue
                : throw new ComponentInputException(name, $"references '{reference}', but node '{nodeId}' produced no output '{output}'");
        }

        return resolved;
    }

    private async Task<IReadOnlyDictionary<string, JsonElement>> LoadAsync(NodeOutputs outputs, CancellationToken cancellationToken)
    {
        if (outputs.Inline is { } inline)
        {
            return inline;
        }

        await using var content = await artifacts.OpenAsync(outputs.Blob!, cancellationToken)
            ?? throw new InvalidOperationException($"The stored outputs {outputs.Blob!.BlobName} are missing.");
        return await JsonSerializer.DeserializeAsync<Dictionary<string, JsonElement>>(content.Content, ShipSecJson.Options, cancellationToken)
            ?? new Dictionary<string, JsonElement>();
    }

    private async Task<NodeOutputs> ToBoundaryAsync(RunNodeInput input, ComponentOutputs outputs, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(outputs.Values, ShipSecJson.Options);
        if (bytes.Length <= MaxInlineOutputBytes)
        {
            return new NodeOutputs(outputs.Values, null);
        }

        await using var content = new MemoryStream(bytes, writable: false);
        var descriptor = new ArtifactDescriptor(input.RunId, input.Node.Id, input.Attempt, $"{input.Node.Id}.{input.Attempt}.outputs", "outputs.json", "application/json");
        return new NodeOutputs(null, await artifacts.SaveAsync(descriptor, content, cancellationToken));
    }

    private async Task WatchForCancellationAsync(string runId, CancellationTokenSource cancellation, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(CancellationPollInterval, clock);
        try
        {
            do
            {
                try
                {
                    if (await runs.IsCancellationRequestedAsync(runId, stop))
                    {
                        await cancellation.CancelAsync();
                        return;
                    }
                }
#pragma warning disable CA1031 // A failed check (the store is down) must not fail the node or end the watch: the next tick tries again.
                catch (Exception exception) when (!stop.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    OrchestrationLogs.CancellationCheckFailed(logger, exception, runId);
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static JsonElement Summarise(IReadOnlyDictionary<string, JsonElement> outputs)
    {
        var summary = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in outputs)
        {
            var raw = value.GetRawText();
            summary[name] = raw.Length <= MaxSummaryValueBytes ? value : value.ValueKind switch
            {
                JsonValueKind.Array => $"array of {value.GetArrayLength()} items",
                JsonValueKind.Object => $"object of {value.EnumerateObject().Count()} properties",
                JsonValueKind.String => $"text of {value.GetString()!.Length} characters",
                _ => $"{value.ValueKind} of {raw.Length} bytes",
            };
        }

        return JsonSerializer.SerializeToElement(summary, ShipSecJson.Options);
    }
}
