using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>The <see cref="IComponentContext"/> of one node attempt, writing to its <see cref="NodeTraceWriter"/>.</summary>
internal sealed class NodeComponentContext(
    NodeTraceWriter trace,
    IArtifactStore artifacts,
    ComponentInputs inputs,
    ProcessSandbox sandbox,
    CancellationToken cancellationToken) : IComponentContext
{
    public ProcessSandbox Sandbox => sandbox;

    public string RunId => trace.RunId;

    public string NodeId => trace.NodeId;

    public int Attempt => trace.Attempt;

    public ComponentInputs Inputs => inputs;

    public CancellationToken CancellationToken => cancellationToken;

    public void Log(TraceEventLevel level, string message)
        => trace.Emit(trace.Next(TraceEventType.NodeLog, level) with { Message = message });

    public void Output(OutputPipe stream, string line)
    {
        var text = AnsiText.Strip(line);
        trace.Emit(trace.Next(TraceEventType.NodeLog, stream == OutputPipe.Stderr ? TraceEventLevel.Warn : TraceEventLevel.Info) with
        {
            Message = text,
            Output = new TraceOutput(stream, ReferenceEquals(text, line) ? null : line),
        });
    }

    public void Progress(long current, long total, string? message = null)
        => trace.Emit(trace.Next(TraceEventType.NodeProgress, TraceEventLevel.Info) with
        {
            Progress = new TraceProgress(current, total),
            Message = message ?? $"{current}/{total}",
        });

    public Finding ReportFinding(string ruleId, string title, FindingSeverity severity, FindingAsset asset, string? evidence = null, System.Text.Json.JsonElement? details = null)
    {
        var finding = Findings.Create(ruleId, title, severity, asset, evidence, details);
        trace.Emit(trace.Next(TraceEventType.NodeFinding, FindingFingerprint.LevelOf(severity)) with
        {
            Finding = finding,
            Message = $"[{severity.ToString().ToUpperInvariant()}] {finding.Title} ({Findings.Describe(asset)})",
        });
        return finding;
    }

    public async Task<ArtifactReference> EmitArtifactAsync(string name, string contentType, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        ArgumentNullException.ThrowIfNull(content);
        var ordinal = trace.NextOrdinal();
        var traceEvent = trace.At(ordinal, TraceEventType.NodeArtifact, TraceEventLevel.Info);

        // The artifact id is readable and unique within the run: node ids are URL-safe by validation.
        var artifactId = $"{NodeId}.{Attempt}.{ordinal}";
        var reference = await artifacts.SaveAsync(
            new ArtifactDescriptor(RunId, NodeId, Attempt, artifactId, name, contentType), content, cancellationToken);
        trace.Emit(traceEvent with { Artifact = reference, Message = $"Artifact {name} ({reference.Size} bytes)" });
        return reference;
    }
}
