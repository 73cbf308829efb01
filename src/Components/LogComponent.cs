using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components;

/// <summary><c>core.log</c>: writes a message to the trace, once or many times (handy to test log streaming).</summary>
public sealed class LogComponent : IComponent
{
    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "core.log";

    private static readonly IntegerRange Count = new(0, 1_000_000);

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "Logs a message count times; with a count above 1 each line ends with its number, such as [3/10].",
        [
            new("message", ComponentValueType.String, true, "The message."),
            new("count", ComponentValueType.Integer, false, "How many lines to log (0-1000000, default 1).", Rule: Count),
            new("level", ComponentValueType.String, false, "debug, info, warn or error (default info)."),
        ],
        [
            new("count", ComponentValueType.Integer, "Lines logged."),
        ]);

    /// <inheritdoc />
    public Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var inputs = context.Inputs;
        var message = inputs.Get<string>("message");
        var count = Count.Require(inputs.GetOrDefault("count", 1), "count");
        var level = inputs.GetOrDefault("level", TraceEventLevel.Info);

        for (var line = 1; line <= count; line++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            context.Log(level, count == 1 ? message : $"{message} [{line}/{count}]");
        }

        return Task.FromResult(new ComponentOutputs().With("count", count));
    }
}
