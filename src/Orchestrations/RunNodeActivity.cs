using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
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
    IArtifactStore artifacts,
    RunCancellationWatcher cancellations,
    ProcessSandbox sandbox,
    IOptions<TraceLimitsOptions> limits,
    TimeProvider clock,
    ILogger<RunNodeActivity> logger) : TaskActivity<RunNodeInput, NodeAttemptResult>
{
    /// <summary>Outputs larger than this (serialised) go to a blob instead of orchestration history.</summary>
    internal const int MaxInlineOutputBytes = 32 * 1024;

    /// <summary>Outputs up to this size appear whole in NODE_COMPLETED; larger ones are described.</summary>
    internal const int MaxSummaryValueBytes = 512;

    /// <inheritdoc />
    public override async Task<NodeAttemptResult> RunAsync(TaskActivityContext context, RunNodeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var node = input.Node;
        if (await CancelledBeforeStartAsync(input))
        {
            OrchestrationLogs.AttemptNotStarted(logger, input.RunId, node.Id, input.Attempt);
            return new NodeAttemptResult(NodeAttemptOutcome.CancelledBeforeStart, null, new TraceError("The run was cancelled before this node started.", TraceFold.CancelledKind));
        }

        // Durable activities run at least once: after a worker stops mid-attempt the same attempt is
        // delivered again. Each execution writes under a nonce of its own, so the second delivery is told
        // apart however far the trace consumer lags; the fold counts the deliveries from the NODE_STARTED
        // events (asking the store here raced the transport and reused the first delivery's ids).
        // The attempt's span is current while the component runs (a process it starts gets it as TRACEPARENT) and its
        // ids are stamped on every event the attempt writes. Disposed after the trace writer, so it covers the flush.
        using var span = RunTelemetry.StartAttempt(input);
        await using var trace = new NodeTraceWriter(publisher, clock, logger, limits.Value, input.RunId, node.Id, input.Attempt, span: span.Context);
        // NODE_STARTED carries the inputs the attempt received, so it is written once they are resolved; it keeps
        // the moment the attempt began. An attempt that fails before that (an unknown component, an unresolvable
        // reference) still starts, without inputs.
        var started = trace.Lifecycle(TraceEventType.NodeStarted, TraceEventLevel.Info) with
        {
            Message = $"{node.Component} started (attempt {input.Attempt} of {input.MaxAttempts})",
        };
        var startEmitted = false;
        void Start(JsonElement? inputs)
        {
            if (!startEmitted)
            {
                startEmitted = true;
                trace.Emit(started with { Inputs = inputs });
            }
        }

        OrchestrationLogs.AttemptStarted(logger, input.RunId, node.Id, input.Attempt, node.Component);
        var startedAt = clock.GetTimestamp();

        var result = await ExecuteAsync(input, trace, Start);
        Start(null);
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
        RunTelemetry.EndAttempt(span, input, result, clock.GetElapsedTime(startedAt));
        OrchestrationLogs.AttemptEnded(logger, input.RunId, node.Id, input.Attempt, result.Outcome, (long)clock.GetElapsedTime(startedAt).TotalMilliseconds);
        return result;
    }

    // A run with thousands of queued attempts must stop when cancelled: each attempt asks before it starts.
    // When the store cannot answer the attempt starts; the watcher still stops it once the store answers.
    private async Task<bool> CancelledBeforeStartAsync(RunNodeInput input)
    {
        try
        {
            return await cancellations.IsCancelledAsync(input.RunId, CancellationToken.None);
        }
#pragma warning disable CA1031 // An outage of the run store must delay nothing here; see above.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            OrchestrationLogs.StartCheckFailed(logger, exception, input.RunId, input.Node.Id);
            return false;
        }
    }

    private async Task<NodeAttemptResult> ExecuteAsync(RunNodeInput input, NodeTraceWriter trace, Action<JsonElement?> start)
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
        using var watch = cancellations.Watch(input.RunId, cancellation);
        try
        {
            var inputs = await ResolveInputsAsync(input, attempt.Token);
            foreach (var secret in component.Descriptor.Inputs.Where(d => d.Secret && inputs.ContainsKey(d.Name)))
            {
                trace.Secrets.Add(inputs[secret.Name]);
            }

            foreach (var secret in input.SecretInputs.Where(input.WorkflowInputs.ContainsKey))
            {
                trace.Secrets.Add(input.WorkflowInputs[secret]);
            }

            start(await RecordInputsAsync(input, component, inputs, trace, attempt.Token));

            var context = new NodeComponentContext(trace, artifacts, new ComponentInputs(inputs), sandbox, attempt.Token);
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
        catch (ComponentRefusedException refused)
        {
            return Failed(refused.Message, refused.Kind, willRetry: false);
        }
#pragma warning disable CA1031 // Whatever a component throws fails this attempt; it must never crash the activity.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return exception switch
            {
                ComponentInputException => Failed(exception.Message, "invalid-input", willRetry),
                // A named failure (out of scope, tool missing) would fail the same way again.
                ComponentFailureException named => Failed(exception.Message, named.Kind, willRetry: false),
                _ => Failed(exception.Message, "exception", willRetry),
            };
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
                resolved[name] = WorkflowInputBinding.Substitute(value, input.WorkflowInputs);
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

    /// <summary>
    /// The inputs as the trace keeps them: a secret input's whole value masked (short secrets too), secret values
    /// masked inside the others, and a value over <see cref="TraceInputs.MaxInlineValueBytes"/> stored in Blob and
    /// referenced, so the event stays small and the value is fetched only when someone opens it.
    /// </summary>
    private async Task<JsonElement> RecordInputsAsync(
        RunNodeInput input, IComponent component, Dictionary<string, JsonElement> inputs, NodeTraceWriter trace, CancellationToken cancellationToken)
    {
        var secret = component.Descriptor.Inputs.Where(d => d.Secret).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var recorded = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in inputs)
        {
            if (secret.Contains(name))
            {
                recorded[name] = JsonSerializer.SerializeToElement(SecretRedactor.Mask, ShipSecJson.Options);
                continue;
            }

            var redacted = trace.Secrets.Redact(value);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(redacted, ShipSecJson.Options);
            if (bytes.Length <= TraceInputs.MaxInlineValueBytes)
            {
                recorded[name] = redacted;
                continue;
            }

            await using var content = new MemoryStream(bytes, writable: false);
            var descriptor = new ArtifactDescriptor(input.RunId, input.Node.Id, input.Attempt, $"{input.Node.Id}.{input.Attempt}.input.{name}", $"{name}.json", "application/json");
            var reference = await artifacts.SaveAsync(descriptor, content, cancellationToken);
            recorded[name] = JsonSerializer.SerializeToElement(new Dictionary<string, ArtifactReference> { [TraceInputs.BlobProperty] = reference }, ShipSecJson.Options);
        }

        return JsonSerializer.SerializeToElement(recorded, ShipSecJson.Options);
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
