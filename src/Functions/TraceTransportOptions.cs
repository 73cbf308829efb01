using System.ComponentModel.DataAnnotations;

namespace ShipSec.Functions;

/// <summary>
/// Which transport the Functions app composes to carry trace events from the activities to the collector, read
/// once from the <c>Trace</c> section when the app is built (the local host always uses the in-process one).
/// </summary>
public sealed class TraceTransportOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Trace";

    /// <summary><c>InProcess</c> (default, one machine) or <c>EventHubs</c> (Azure; needs <c>Trace:EventHubs</c>).</summary>
    [EnumDataType(typeof(TraceTransport))]
    public TraceTransport Transport { get; set; } = TraceTransport.InProcess;
}

/// <summary>The trace transports.</summary>
public enum TraceTransport
{
    /// <summary>An in-memory channel to a collector in the same process.</summary>
    InProcess,

    /// <summary>Azure Event Hubs (partition key = run id), collected by an event processor with checkpoints in PostgreSQL.</summary>
    EventHubs,
}
