using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components;

/// <summary><c>core.sleep</c>: waits, reporting progress and stopping at once on timeout or cancellation.</summary>
public sealed class SleepComponent : IComponent
{
    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "core.sleep";

    private const int Steps = 10;

    private static readonly IntegerRange Milliseconds = new(0, 86_400_000);

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "Waits the given time in ten steps, reporting progress after each; a timeout or cancellation ends it at once.",
        [
            new("milliseconds", ComponentValueType.Integer, true, "How long to wait (0-86400000).", Rule: Milliseconds),
        ],
        [
            new("sleptMilliseconds", ComponentValueType.Integer, "How long it waited."),
        ]);

    /// <inheritdoc />
    public async Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var milliseconds = Milliseconds.Require(context.Inputs.Get<int>("milliseconds"), "milliseconds");
        context.Log(TraceEventLevel.Info, $"Sleeping {milliseconds} ms");

        var slept = 0L;
        for (var step = 1; step <= Steps && milliseconds > 0; step++)
        {
            var until = (long)milliseconds * step / Steps;
            await Task.Delay(TimeSpan.FromMilliseconds(until - slept), context.CancellationToken).ConfigureAwait(false);
            slept = until;
            context.Progress(slept, milliseconds, $"{slept} of {milliseconds} ms");
        }

        return new ComponentOutputs().With("sleptMilliseconds", milliseconds);
    }
}
