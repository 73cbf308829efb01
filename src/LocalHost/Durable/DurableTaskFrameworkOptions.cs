using System.ComponentModel.DataAnnotations;

namespace ShipSec.LocalHost.Durable;

/// <summary>Which Durable Task Framework backend the local host runs orchestrations on.</summary>
public enum OrchestrationBackend
{
    /// <summary>Azure Storage queues and tables (Azurite locally): survives a restart of the host.</summary>
    AzureStorage,

    /// <summary>In memory: fast, for tests; lost when the process ends.</summary>
    InMemory,
}

/// <summary>Settings of the local Durable Task Framework worker (section <c>DurableTask</c>).</summary>
public sealed class DurableTaskFrameworkOptions
{
    public const string SectionName = "DurableTask";

    public OrchestrationBackend Backend { get; set; } = OrchestrationBackend.AzureStorage;

    /// <summary>Storage connection string; defaults to <c>ConnectionStrings:Storage</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Task hub name: 3–45 letters and digits, starting with a letter (Azure Storage naming rules).</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    public string TaskHubName { get; set; } = "ShipSecLocal";

    /// <summary>A fixed worker id, so a restarted host takes its partition lease back at once.</summary>
    [Required]
    public string WorkerId { get; set; } = "shipsec-localhost";

    [Range(1, 256)]
    public int MaxConcurrentActivities { get; set; } = 32;

    [Range(1, 256)]
    public int MaxConcurrentOrchestrations { get; set; } = 16;

    /// <summary>How long a dequeued work item stays invisible; after a crash it reappears this soon.</summary>
    [Range(5, 300)]
    public int WorkItemVisibilityTimeoutSeconds { get; set; } = 20;

    /// <summary>Upper bound of the queue polling back-off: lower is snappier, higher is quieter.</summary>
    [Range(100, 30_000)]
    public int MaxQueuePollingIntervalMilliseconds { get; set; } = 500;
}
