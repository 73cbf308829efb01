using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components;

/// <summary>
/// <c>core.fail</c>: fails on purpose, always or for the first attempts only; exercises retries and failure paths.
/// </summary>
public sealed class FailComponent : IComponent
{
    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "core.fail";

    /// <summary>The failure message when none is given.</summary>
    public const string DefaultMessage = "Failed on purpose (core.fail)";

    private static readonly IntegerRange FailUntilAttempt = new(0, int.MaxValue);

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "Throws with the given message. With failUntilAttempt N > 0 attempts 1..N fail and later attempts succeed; with 0 (the default) every attempt fails.",
        [
            new("message", ComponentValueType.String, false, $"The failure message (default \"{DefaultMessage}\")."),
            new("failUntilAttempt", ComponentValueType.Integer, false, "Last attempt that fails; 0 means every attempt fails (default 0).", Rule: FailUntilAttempt),
        ],
        [
            new("attempt", ComponentValueType.Integer, "The attempt that succeeded."),
        ]);

    /// <inheritdoc />
    public Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Inputs.GetOrDefault("message", DefaultMessage);
        var failUntilAttempt = FailUntilAttempt.Require(context.Inputs.GetOrDefault("failUntilAttempt", 0), "failUntilAttempt");

        if (failUntilAttempt == 0 || context.Attempt <= failUntilAttempt)
        {
            throw new InvalidOperationException(message);
        }

        context.Log(TraceEventLevel.Info, $"Attempt {context.Attempt} succeeds (failures were asked for up to attempt {failUntilAttempt})");
        return Task.FromResult(new ComponentOutputs().With("attempt", context.Attempt));
    }
}
