using System.ComponentModel.DataAnnotations;

namespace ShipSec.Shared.Dsl;

/// <summary>What this deployment can hold of a workflow (configuration section <c>Workflows</c>).</summary>
public sealed class WorkflowOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Workflows";

    /// <summary>
    /// Longest node timeout registration accepts, in seconds: no more than the host lets one activity run
    /// (the Functions app lowers it to fit host.json's functionTimeout). Default: the DSL's own bound, one day.
    /// </summary>
    [Range(1, WorkflowLimits.MaxTimeoutSeconds)]
    public int MaxNodeTimeoutSeconds { get; set; } = WorkflowLimits.MaxTimeoutSeconds;

    /// <summary>
    /// Most nodes of one run that execute at once when its workflow does not say (<c>maxParallelNodes</c>). Below the
    /// worker's activity slots, so one big run leaves room for every other run's nodes.
    /// </summary>
    [Range(1, WorkflowLimits.MaxParallelNodes)]
    public int MaxParallelNodes { get; set; } = WorkflowLimits.DefaultMaxParallelNodes;
}
