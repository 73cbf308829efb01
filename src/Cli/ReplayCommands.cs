using System.CommandLine;
using Stopwatch = System.Diagnostics.Stopwatch;
using System.Globalization;
using System.Net;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ShipSec.Cli;

/// <summary>
/// <c>replay</c>, <c>state</c>, <c>diff</c> and <c>runs</c>. Replay folds the fetched trace with the same
/// <see cref="RunStateFolder"/> the server uses, so what it animates is what <c>state</c> returns.
/// </summary>
internal static class ReplayCommands
{
    /// <summary><c>diff</c>: the runs differ.</summary>
    public const int RunsDiffer = 1;

    private const int TracePage = 5000;
    private const int LogLines = 8;
    private static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromMilliseconds(50);

    public static Command Replay()
    {
        var runId = new Argument<string>("runId") { Description = "The run id." };
        var speed = new Option<double>("--speed") { Description = "Playback speed: recorded gaps are divided by it (each capped at 2 s).", DefaultValueFactory = _ => 1 };
        var command = new Command("replay", "Replay a run's node states and log in the terminal, with its recorded timing.") { runId, speed };
        command.SetAction((parse, cancellation) => ShipSecCommandLine.WithApiAsync(parse, async (api, console) =>
        {
            var factor = parse.GetValue(speed);
            if (!(factor > 0))
            {
                console.MarkupLine("[red]--speed must be greater than 0.[/]");
                return ShipSecCommandLine.RequestFailed;
            }

            var id = parse.GetValue(runId)!;
            var summary = await api.GetStatusAsync(id, cancellation);
            var nodeIds = await NodeIdsAsync(api, summary, cancellation);
            var events = new List<TraceEvent>();
            TracePageResponse page;
            var cursor = 0L;
            do
            {
                page = await api.GetTraceAsync(id, cursor, TracePage, cancellation);
                events.AddRange(page.Events);
                cursor = page.NextCursor;
            }
            while (page.HasMore);

            var folder = new RunStateFolder(summary.RunId, summary.WorkflowId, nodeIds);
            var log = new Queue<string>(LogLines);
            await console.Live(Render(folder.State(), log, events.Count)).StartAsync(async live =>
            {
                var sinceRefresh = Stopwatch.StartNew();
                DateTimeOffset? previous = null;
                foreach (var traceEvent in events)
                {
                    if (previous is { } last)
                    {
                        var gap = TimeSpan.FromTicks((long)Math.Clamp((traceEvent.Timestamp - last).Ticks / factor, 0, MaxGap.Ticks));
                        if (gap >= RefreshEvery)
                        {
                            live.UpdateTarget(Render(folder.State(), log, events.Count));
                            live.Refresh();
                            sinceRefresh.Restart();
                            // The animation's own pacing, not a wait for a condition.
                            await Task.Delay(gap, cancellation);
                        }
                    }

                    previous = traceEvent.Timestamp;
                    folder.Apply(traceEvent);
                    if (traceEvent.Type == TraceEventType.NodeLog || traceEvent.Error is not null)
                    {
                        if (log.Count == LogLines)
                        {
                            log.Dequeue();
                        }

                        log.Enqueue($"{traceEvent.Timestamp:HH:mm:ss.fff} {traceEvent.NodeId} {traceEvent.Message ?? traceEvent.Error?.Message}");
                    }

                    if (sinceRefresh.Elapsed >= RefreshEvery)
                    {
                        live.UpdateTarget(Render(folder.State(), log, events.Count));
                        sinceRefresh.Restart();
                    }
                }

                live.UpdateTarget(Render(folder.State(), log, events.Count));
            });

            return ShipSecCommandLine.Success;
        }, cancellation));
        return command;
    }

    public static Command State()
    {
        var runId = new Argument<string>("runId") { Description = "The run id." };
        var at = new Option<string?>("--at") { Description = "The moment (ISO-8601): the state after the last event at or before it." };
        var sequence = new Option<long?>("--sequence") { Description = "The state after the event with this sequence number." };
        var json = new Option<bool>("--json") { Description = "Print the state as JSON." };
        var command = new Command("state", "Show a run's node states at a moment or sequence number (latest without either).") { runId, at, sequence, json };
        command.SetAction((parse, cancellation) => ShipSecCommandLine.WithApiAsync(parse, async (api, console) =>
        {
            DateTimeOffset? moment = null;
            if (parse.GetValue(at) is { Length: > 0 } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    console.MarkupLine($"[red]--at is not a timestamp: {Markup.Escape(text)}[/]");
                    return ShipSecCommandLine.RequestFailed;
                }

                moment = parsed;
            }

            var state = await api.GetStateAsync(parse.GetValue(runId)!, moment, parse.GetValue(sequence), cancellation);
            if (parse.GetValue(json))
            {
                ShipSecCommandLine.WriteJson(state);
            }
            else
            {
                console.Write(Render(state, null, null));
            }

            return ShipSecCommandLine.Success;
        }, cancellation));
        return command;
    }

    public static Command Diff()
    {
        var runA = new Argument<string>("runA") { Description = "The run to compare from (with --baseline: the run to compare with its baseline)." };
        var runB = new Argument<string?>("runB") { Description = "The run to compare to.", Arity = ArgumentArity.ZeroOrOne };
        var baseline = new Option<bool>("--baseline") { Description = "Compare runA with its baseline (the baseline is 'before')." };
        var json = new Option<bool>("--json") { Description = "Print the difference as JSON." };
        var command = new Command("diff", "Compare two runs, findings first; exit 0 when they behaved the same, 1 when they differ, 2 on errors.")
        {
            runA, runB, baseline, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(baseline) == (result.GetValue(runB) is not null))
            {
                result.AddError("Give either a second run or --baseline.");
            }
        });
        command.SetAction((parse, cancellation) => ShipSecCommandLine.WithApiAsync(parse, async (api, console) =>
        {
            var diff = parse.GetValue(baseline)
                ? await api.DiffAsync(parse.GetValue(runA)!, "baseline", cancellation)
                : await api.DiffAsync(parse.GetValue(runA)!, parse.GetValue(runB)!, cancellation);
            if (parse.GetValue(json))
            {
                ShipSecCommandLine.WriteJson(diff);
            }
            else
            {
                WriteDiff(console, diff);
            }

            return diff.Identical ? ShipSecCommandLine.Success : RunsDiffer;
        }, cancellation));
        return command;
    }

    /// <summary>Findings first (new, resolved, changed), then the nodes that changed; logs only as detail.</summary>
    private static void WriteDiff(IAnsiConsole console, RunDiff diff)
    {
        var against = diff.Baseline is { } b ? $" (baseline{(b.Pinned ? ", pinned" : string.Empty)})" : string.Empty;
        console.MarkupLine($"{Markup.Escape(diff.RunId)}{Markup.Escape(against)} → {Markup.Escape(diff.OtherRunId)}: {(diff.Identical ? "[green]identical[/]" : "[yellow]different[/]")}");
        if (diff.Status is { } status)
        {
            console.MarkupLine($"status: {Markup.Escape(WireName.Of(status.Before))} → {Markup.Escape(WireName.Of(status.After))}");
        }

        var findings = diff.Findings;
        console.MarkupLine($"findings: [red]+{findings.Added.Count} new[/] · [green]{findings.Resolved.Count} resolved[/] · {findings.Changed.Count} changed · {findings.UnchangedCount} unchanged");
        if (!findings.IsEmpty)
        {
            var table = new Table().AddColumns("", "Severity", "Rule", "Title", "Asset");
            foreach (var finding in findings.Added)
            {
                table.AddRow("[red]new[/]", WireName.Of(finding.Severity), Markup.Escape(finding.RuleId), Markup.Escape(finding.Title), Markup.Escape(Findings.Describe(finding.Asset)));
            }

            foreach (var finding in findings.Resolved)
            {
                table.AddRow("[green]resolved[/]", WireName.Of(finding.Severity), Markup.Escape(finding.RuleId), Markup.Escape(finding.Title), Markup.Escape(Findings.Describe(finding.Asset)));
            }

            foreach (var change in findings.Changed)
            {
                table.AddRow(
                    "[yellow]changed[/]",
                    $"{WireName.Of(change.Before.Severity)} → {WireName.Of(change.After.Severity)}",
                    Markup.Escape(change.After.RuleId), Markup.Escape(change.After.Title), Markup.Escape(Findings.Describe(change.After.Asset)));
            }

            console.Write(table);
        }

        var nodes = new Table().AddColumns("Node", "Change", "Status", "Attempts", "Duration ms", "Output", "Artifacts", "Findings", "Logs");
        foreach (var node in diff.Nodes)
        {
            nodes.AddRow(
                Markup.Escape(node.NodeId),
                node.Change switch
                {
                    NodeChange.Unchanged => "[grey]unchanged[/]",
                    NodeChange.Added => "[green]added[/]",
                    NodeChange.Removed => "[red]removed[/]",
                    _ => "[yellow]changed[/]",
                },
                Pair(node.Status), Pair(node.Attempts), Pair(node.DurationMs),
                node.OutputSummary is { } output ? Markup.Escape($"{output.Before?.GetRawText() ?? "-"} → {output.After?.GetRawText() ?? "-"}") : string.Empty,
                node.Artifacts is { } artifacts ? Markup.Escape(string.Join(", ", artifacts.Select(a => a.Name))) : string.Empty,
                node.Findings is { } f ? $"+{f.Added} -{f.Resolved} ~{f.Changed}" : string.Empty,
                Markup.Escape(Logs(node.Logs)));
        }

        console.Write(nodes);

        static string Logs(LogsDiff logs)
            => (logs.A == logs.B ? logs.A.ToString(CultureInfo.InvariantCulture) : $"{logs.A} → {logs.B}")
                + (logs.FirstDivergence is { } d ? $"; #{d.Index}: {d.Before ?? "-"} → {d.After ?? "-"}" : string.Empty);
    }

    public static Command Runs()
    {
        var workflowId = new Argument<string>("workflowId") { Description = "The workflow id." };
        var limit = new Option<int>("--limit") { Description = "At most this many runs (newest first).", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print the runs as JSON." };
        var command = new Command("runs", "List a workflow's runs, newest first.") { workflowId, limit, json };
        command.SetAction((parse, cancellation) => ShipSecCommandLine.WithApiAsync(parse, async (api, console) =>
        {
            var list = await api.ListRunsAsync(parse.GetValue(workflowId)!, parse.GetValue(limit), cancellation);
            if (parse.GetValue(json))
            {
                ShipSecCommandLine.WriteJson(list);
                return ShipSecCommandLine.Success;
            }

            var table = new Table().AddColumns("Run", "Version", "Status", "Created", "Duration", "Nodes");
            foreach (var run in list.Runs)
            {
                var duration = run.CompletedAt is { } end ? $"{(end - (run.StartedAt ?? run.CreatedAt)).TotalSeconds:0.0} s" : string.Empty;
                table.AddRow(
                    Markup.Escape(run.RunId), $"v{run.WorkflowVersion}", StatusMarkup(WireName.Of(run.Status)),
                    run.CreatedAt.ToString("u", CultureInfo.InvariantCulture), duration,
                    $"{run.Progress.NodesCompleted}/{run.Progress.NodesTotal}");
            }

            console.Write(table);
            return ShipSecCommandLine.Success;
        }, cancellation));
        return command;
    }

    private static async Task<IReadOnlyList<string>> NodeIdsAsync(ShipSecApiClient api, RunSummary summary, CancellationToken cancellationToken)
    {
        try
        {
            var version = await api.GetWorkflowVersionAsync(summary.WorkflowId, summary.WorkflowVersion, cancellationToken);
            return [.. version.Definition.Nodes.Select(n => n.Id)];
        }
        catch (ApiProblemException problem) when (problem.Status == HttpStatusCode.NotFound)
        {
            // The version is gone: nodes appear as their first events arrive.
            return [];
        }
    }

    private static Rows Render(RunState state, IEnumerable<string>? log, int? eventCount)
    {
        var table = new Table().AddColumns("Node", "Status", "Attempt", "Progress", "Logs", "Last message");
        foreach (var node in state.Nodes)
        {
            table.AddRow(
                Markup.Escape(node.NodeId),
                StatusMarkup(Wire(node.Status)),
                node.Attempt.ToString(CultureInfo.InvariantCulture),
                node.Progress is { } p ? $"{p.Current}/{p.Total}" : string.Empty,
                node.LogCount.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(node.LastMessage ?? string.Empty));
        }

        var position = eventCount is { } total ? $"event {state.Sequence}/{total}" : $"sequence {state.Sequence}";
        var header = new Markup($"Run [bold]{Markup.Escape(state.RunId)}[/] {StatusMarkup(WireName.Of(state.Status))} · {position} · {state.At?.ToString("O", CultureInfo.InvariantCulture) ?? "-"}");
        var parts = new List<IRenderable> { header, table };
        if (log is not null)
        {
            parts.Add(new Panel(new Text(string.Join('\n', log) is { Length: > 0 } lines ? lines : " ")) { Header = new PanelHeader("log") });
        }

        return new Rows(parts);
    }

    private static string Wire(NodeStatus status) => status.ToString().ToLowerInvariant();

    private static string StatusMarkup(string status) => status switch
    {
        "completed" => "[green]completed[/]",
        "running" => "[blue]running[/]",
        "retrying" => "[yellow]retrying[/]",
        "failed" => "[red]failed[/]",
        "cancelled" or "skipped" => $"[grey]{status}[/]",
        _ => status,
    };

    private static string Pair<T>(ValueChange<T>? change)
        => change is null ? string.Empty : Markup.Escape($"{Describe(change.Before)} → {Describe(change.After)}");

    private static string Describe<T>(T value) => value switch
    {
        null => "-",
        NodeStatus status => Wire(status),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };
}
