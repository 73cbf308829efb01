using Spectre.Console;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace ShipSec.Cli;

/// <summary>Writes trace events and run summaries to the terminal, one structured line per event.</summary>
internal sealed class TraceRenderer(IAnsiConsole console)
{
    public void Write(TraceEvent traceEvent)
    {
        var level = traceEvent.Level switch
        {
            TraceEventLevel.Error => "[red]error[/]",
            TraceEventLevel.Warn => "[yellow]warn [/]",
            TraceEventLevel.Debug => "[grey]debug[/]",
            _ => "[blue]info [/]",
        };
        var type = traceEvent.Type switch
        {
            TraceEventType.NodeStarted => "[cyan]STARTED  [/]",
            TraceEventType.NodeCompleted => "[green]COMPLETED[/]",
            TraceEventType.NodeFailed => "[red]FAILED   [/]",
            TraceEventType.NodeSkipped => "[grey]SKIPPED  [/]",
            TraceEventType.NodeProgress => "[blue]PROGRESS [/]",
            TraceEventType.NodeArtifact => "[magenta]ARTIFACT [/]",
            TraceEventType.WorkflowStatus => "[bold]STATUS   [/]",
            _ => "LOG      ",
        };
        var node = traceEvent.NodeId is null ? "(run)" : traceEvent.Attempt > 1 ? $"{traceEvent.NodeId}#{traceEvent.Attempt}" : traceEvent.NodeId;
        var detail = traceEvent switch
        {
            { Type: TraceEventType.WorkflowStatus, Status: { } status } => $"run {Lower(status)}{(traceEvent.Message is { } m ? $": {m}" : string.Empty)}",
            { Type: TraceEventType.NodeArtifact, Artifact: { } artifact } => $"{artifact.Name} ({artifact.ContentType}, {artifact.Size} bytes, sha256 {artifact.Sha256[..12]}…) id {artifact.ArtifactId}",
            _ => traceEvent.Message ?? string.Empty,
        };
        console.MarkupLine($"[grey]{traceEvent.Sequence,5} {traceEvent.Timestamp:HH:mm:ss.fff}[/] {level} {type} [bold]{Markup.Escape(node),-14}[/] {Markup.Escape(detail)}");
    }

    public void Write(RunSummary summary)
    {
        var colour = summary.Status switch
        {
            RunStatus.Completed => "green",
            RunStatus.Failed => "red",
            RunStatus.Cancelled => "yellow",
            _ => "blue",
        };
        console.MarkupLine($"Run [bold]{Markup.Escape(summary.RunId)}[/] of [bold]{Markup.Escape(summary.WorkflowId)}[/]: [{colour}]{Lower(summary.Status)}[/]");
        var p = summary.Progress;
        console.MarkupLine($"  nodes: {p.NodesCompleted}/{p.NodesTotal} completed, {p.NodesFailed} failed, {p.NodesRunning} running");
        console.MarkupLine($"  created {summary.CreatedAt:u}, updated {summary.UpdatedAt:u}{(summary.CompletedAt is { } done ? $", ended {done:u}" : string.Empty)}");
        if (summary.Failure is { } failure)
        {
            console.MarkupLine($"  [red]failed at node {Markup.Escape(failure.NodeId)}: {Markup.Escape(failure.Message)}[/]");
        }
    }

    public static string Lower(RunStatus status) => status.ToString().ToLowerInvariant();
}
