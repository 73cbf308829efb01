using ShipSec.Shared.Dsl;

namespace ShipSec.Functions;

/// <summary>
/// What the Functions host can hold, kept in step with host.json (a test reads both): an activity that
/// outlives <c>functionTimeout</c> is killed by the host, so a node timeout must end it first.
/// </summary>
public static class FunctionsHostLimits
{
    /// <summary>host.json's <c>functionTimeout</c>.</summary>
    public static readonly TimeSpan FunctionTimeout = TimeSpan.FromHours(1);

    /// <summary>
    /// Longest node timeout registration accepts on this host: the function timeout less the orchestrator's
    /// 30 s grace and a few minutes for resolving inputs and flushing the trace (55 min).
    /// </summary>
    public const int MaxNodeTimeoutSeconds = 3_300;

    /// <summary>Lowers a configured node timeout bound to what this host holds.</summary>
    public static void Apply(WorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MaxNodeTimeoutSeconds = Math.Min(options.MaxNodeTimeoutSeconds, MaxNodeTimeoutSeconds);
    }
}
