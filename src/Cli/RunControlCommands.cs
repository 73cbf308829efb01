using System.CommandLine;
using ShipSec.Shared.Runs;
using Spectre.Console;

namespace ShipSec.Cli;

/// <summary>Commands that act on a run: re-run it (whole or resumed from a node), decide its approval steps.</summary>
internal static class RunControlCommands
{
    /// <summary><c>shipsec rerun &lt;runId&gt; [--from-node id | --from-failed] [--watch]</c>.</summary>
    public static Command Rerun()
    {
        var runId = new Argument<string>("runId") { Description = "The run to run again." };
        var fromNode = new Option<string?>("--from-node") { Description = "Re-execute this node and everything downstream of it; reuse the parent's outputs of the rest." };
        var fromFailed = new Option<bool>("--from-failed") { Description = "Re-execute the failed and skipped nodes of a failed run; reuse what completed." };
        var watch = new Option<bool>("--watch") { Description = "Stream the new run's trace until it ends; exit 0 only when it completed." };
        var command = new Command("rerun", "Start a new run of the same workflow version with the same inputs.") { runId, fromNode, fromFailed, watch };
        command.SetAction((parse, cancellation) => ShipSecCommandLine.WithApiAsync(parse, async (api, console) =>
        {
            var node = parse.GetValue(fromNode);
            object? body = node is not null ? new { fromNode = node } : parse.GetValue(fromFailed) ? new { from = "failed" } : null;
            var run = await api.RerunAsync(parse.GetValue(runId)!, body, cancellation);
            console.MarkupLine($"Started run [bold]{Markup.Escape(run.RunId)}[/], a re-run of {Markup.Escape(run.ParentRunId ?? "?")}"
                + (run.ReusedNodes is > 0 ? $" reusing {run.ReusedNodes} node(s)" : string.Empty));
            if (!parse.GetValue(watch))
            {
                ShipSecCommandLine.PrintWhereToLook(console, api, run.RunId);
                return ShipSecCommandLine.Success;
            }

            var summary = await ShipSecCommandLine.FollowAsync(api, new TraceRenderer(console), run.RunId, cancellation);
            new TraceRenderer(console).Write(summary);
            ShipSecCommandLine.PrintWhereToLook(console, api, run.RunId);
            return summary.Status == RunStatus.Completed ? ShipSecCommandLine.Success : ShipSecCommandLine.RunDidNotComplete;
        }, cancellation));
        return command;
    }

    /// <summary><c>shipsec approve|reject &lt;runId&gt; &lt;nodeId&gt; [--comment text]</c>.</summary>
    public static Command Decide(bool approve)
    {
        var runId = new Argument<string>("runId") { Description = "The run." };
        var nodeId = new Argument<string>("nodeId") { Description = "The approval step waiting for a decision." };
        var comment = new Option<string?>("--comment") { Description = "Why, recorded in the trace." };
        var command = new Command(approve ? "approve" : "reject", approve ? "Approve a waiting approval step." : "Reject a waiting approval step (the node fails).")
        {
            runId, nodeId, comment,
        };
        command.SetAction((parse, cancellation) => ShipSecCommandLine.WithApiAsync(parse, async (api, console) =>
        {
            var run = parse.GetValue(runId)!;
            var node = parse.GetValue(nodeId)!;
            await api.DecideAsync(run, node, approve, parse.GetValue(comment), cancellation);
            console.MarkupLine($"{(approve ? "Approved" : "Rejected")} [bold]{Markup.Escape(node)}[/] of run {Markup.Escape(run)}");
            return ShipSecCommandLine.Success;
        }, cancellation));
        return command;
    }
}
