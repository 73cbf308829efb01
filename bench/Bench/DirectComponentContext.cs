using System.Text.Json;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Bench;

/// <summary>The least context a component runs with, for the ceilings that call a component directly: logs go nowhere (core.log with count 0 writes none).</summary>
internal sealed class DirectComponentContext(string nodeId, ComponentInputs inputs) : IComponentContext
{
    public string RunId => "direct";

    public string NodeId => nodeId;

    public int Attempt => 1;

    public ComponentInputs Inputs => inputs;

    public CancellationToken CancellationToken => CancellationToken.None;

    public void Log(TraceEventLevel level, string message)
    {
    }

    public void Progress(long current, long total, string? message = null)
    {
    }

    public Finding ReportFinding(string ruleId, string title, FindingSeverity severity, FindingAsset asset, string? evidence = null, JsonElement? details = null)
        => Findings.Create(ruleId, title, severity, asset, evidence, details);

    public Task<ArtifactReference> EmitArtifactAsync(string name, string contentType, Stream content, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("The bench's direct calls store no artifacts.");
}
