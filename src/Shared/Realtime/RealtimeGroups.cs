namespace ShipSec.Shared.Realtime;

/// <summary>The SignalR groups dashboards join (through the subscribe functions, never by invoking the hub).</summary>
public static class RealtimeGroups
{
    /// <summary>Every run's status changes (<see cref="RealtimeTargets.RunUpdated"/>).</summary>
    public const string Runs = "runs";

    /// <summary>The prefix of a run's group.</summary>
    public const string RunPrefix = "run-";

    /// <summary>One run's trace events and status changes.</summary>
    public static string Run(string runId) => RunPrefix + runId;
}

/// <summary>The client methods the server invokes.</summary>
public static class RealtimeTargets
{
    /// <summary>One argument, a <see cref="TraceEventsMessage"/>: committed trace events of one run, in sequence order.</summary>
    public const string TraceEvents = "traceEvents";

    /// <summary>One argument, the run's <see cref="Runs.RunSummary"/>, after a lifecycle or status change.</summary>
    public const string RunUpdated = "runUpdated";
}

/// <summary>The hub dashboards connect to: its name (lowercase, as Azure SignalR Service normalises it) and local path.</summary>
public static class RealtimeHub
{
    /// <summary>The hub name.</summary>
    public const string Name = "runs";

    /// <summary>Where the local host maps its hub.</summary>
    public const string LocalPath = "/hubs/runs";
}

/// <summary>The argument of <see cref="RealtimeTargets.TraceEvents"/>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Events">Committed events of that run, in sequence order.</param>
public sealed record TraceEventsMessage(string RunId, IReadOnlyList<Trace.TraceEvent> Events);
