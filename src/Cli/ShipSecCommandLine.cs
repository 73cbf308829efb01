using System.CommandLine;
using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using Spectre.Console;

namespace ShipSec.Cli;

/// <summary>
/// The <c>shipsec</c> commands. Exit codes: 0 success (for <c>run --watch</c>: the run completed),
/// 1 the run failed or was cancelled, 2 the request was refused or the API could not be reached.
/// </summary>
internal static class ShipSecCommandLine
{
    public const int Success = 0;
    public const int RunDidNotComplete = 1;
    public const int RequestFailed = 2;

    /// <summary><c>findings --new</c>: the run reported findings its baseline did not.</summary>
    public const int NewFindings = 1;

    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(250);

    private static readonly Option<string> UrlOption = new("--url")
    {
        Description = "Base URL of the ShipSec Runs API (env SHIPSEC_URL).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SHIPSEC_URL") ?? "http://127.0.0.1:7071",
    };

    private static readonly Option<string?> ApiKeyOption = new("--api-key")
    {
        Description = "API key sent as x-functions-key (env SHIPSEC_API_KEY).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SHIPSEC_API_KEY"),
    };

    // Where --json output goes: the process's stdout, or a test's writer for the invocation it started.
    private static readonly AsyncLocal<TextWriter?> JsonOutput = new();

    private static TextWriter Out => JsonOutput.Value ?? Console.Out;

    /// <summary>Runs the command line with --json output written to <paramref name="output"/> instead of stdout.</summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter output)
    {
        JsonOutput.Value = output;
        try
        {
            return await InvokeAsync(args);
        }
        finally
        {
            JsonOutput.Value = null;
        }
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var root = new RootCommand("ShipSec Runs: run security workflows and watch their trace.");
        root.Options.Add(UrlOption);
        root.Options.Add(ApiKeyOption);
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(StatusCommand());
        root.Subcommands.Add(TraceCommand());
        root.Subcommands.Add(FindingsCommand());
        root.Subcommands.Add(RunControlCommands.Rerun());
        root.Subcommands.Add(RunControlCommands.Decide(approve: true));
        root.Subcommands.Add(RunControlCommands.Decide(approve: false));
        root.Subcommands.Add(ScheduleCommands.Schedule());
        root.Subcommands.Add(NodeCommand());
        root.Subcommands.Add(ReplayCommands.Replay());
        root.Subcommands.Add(ReplayCommands.State());
        root.Subcommands.Add(ReplayCommands.Diff());
        root.Subcommands.Add(ReplayCommands.Runs());
        return await root.Parse(args).InvokeAsync();
    }

    private static Command RunCommand()
    {
        var file = new Argument<FileInfo>("file") { Description = "A workflow DSL file (JSON)." };
        var watch = new Option<bool>("--watch") { Description = "Stream the run's trace until it ends; exit 0 only when it completed." };
        var input = new Option<string[]>("--input") { Description = "A workflow input as name=value (repeatable); typed by the workflow's declaration (string[] splits on ',').", AllowMultipleArgumentsPerToken = false };
        var command = new Command("run", "Register a workflow file and start a run of it.") { file, watch, input };
        command.SetAction((parse, cancellation) => WithApiAsync(parse, async (api, console) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                console.MarkupLine($"[red]No such file: {Markup.Escape(path.FullName)}[/]");
                return RequestFailed;
            }

            var text = await File.ReadAllTextAsync(path.FullName, cancellation);
            if (!RunInputs.TryParse(text, parse.GetValue(input) ?? [], out var inputs, out var problem))
            {
                console.MarkupLine($"[red]{Markup.Escape(problem)}[/]");
                return RequestFailed;
            }

            var workflow = await api.RegisterWorkflowAsync(text, cancellation);
            console.MarkupLine($"Registered workflow [bold]{Markup.Escape(workflow.Id)}[/] v{workflow.Version} ({workflow.NodeCount} nodes)");
            var run = await api.StartRunAsync(workflow.Id, cancellation, inputs);
            console.MarkupLine($"Started run [bold]{Markup.Escape(run.RunId)}[/]");
            if (!parse.GetValue(watch))
            {
                PrintWhereToLook(console, api, run.RunId);
                return Success;
            }

            var summary = await FollowAsync(api, new TraceRenderer(console), run.RunId, cancellation);
            new TraceRenderer(console).Write(summary);
            PrintWhereToLook(console, api, run.RunId);
            return summary.Status == RunStatus.Completed ? Success : RunDidNotComplete;
        }, cancellation));
        return command;
    }

    private static Command StatusCommand()
    {
        var runId = new Argument<string>("runId") { Description = "The run id." };
        var json = new Option<bool>("--json") { Description = "Print the status as JSON." };
        var command = new Command("status", "Show a run's status and node counters.") { runId, json };
        command.SetAction((parse, cancellation) => WithApiAsync(parse, async (api, console) =>
        {
            var summary = await api.GetStatusAsync(parse.GetValue(runId)!, cancellation);
            if (parse.GetValue(json))
            {
                Out.WriteLine(JsonSerializer.Serialize(summary, ShipSecJson.Options));
            }
            else
            {
                new TraceRenderer(console).Write(summary);
            }

            return Success;
        }, cancellation));
        return command;
    }

    private static Command NodeCommand()
    {
        var runId = new Argument<string>("runId") { Description = "The run id." };
        var nodeId = new Argument<string>("nodeId") { Description = "The node id." };
        var json = new Option<bool>("--json") { Description = "Print the inspection as JSON." };
        var terminal = new Option<bool>("--terminal") { Description = "Print what the node's processes printed in its last attempt, as text." };
        var sequence = new Option<long?>("--sequence") { Description = "The node as it was after the event with this sequence number (as the trace ends without it)." };
        var command = new Command("node", "Inspect one node of a run: its definition, attempts, artifacts and findings.") { runId, nodeId, json, terminal, sequence };
        command.SetAction((parse, cancellation) => WithApiAsync(parse, async (api, console) =>
        {
            if (parse.GetValue(terminal))
            {
                // Plain text on stdout, so it pipes into grep or a file as the tool's own output would.
                await Out.WriteAsync(await api.NodeTerminalTextAsync(parse.GetValue(runId)!, parse.GetValue(nodeId)!, cancellation));
                return Success;
            }

            var inspection = await api.InspectNodeAsync(parse.GetValue(runId)!, parse.GetValue(nodeId)!, parse.GetValue(sequence), cancellation);
            if (parse.GetValue(json))
            {
                WriteJson(inspection);
                return Success;
            }

            console.MarkupLine($"[bold]{Markup.Escape(inspection.NodeId)}[/] ({Markup.Escape(inspection.Definition?.Component ?? "?")}) {WireName.Of(inspection.State.Status)}");
            var table = new Table().AddColumns("attempt", "delivery", "status", "started", "ms", "error");
            foreach (var attempt in inspection.Attempts)
            {
                table.AddRow(
                    attempt.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    attempt.Delivery.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    WireName.Of(attempt.Status),
                    attempt.StartedAt.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
                    attempt.DurationMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    Markup.Escape(attempt.Error?.Message ?? ""));
            }

            console.Write(table);
            console.MarkupLine($"{inspection.Artifacts.Count} artifact(s), {inspection.Findings.Count} finding(s)");
            foreach (var artifact in inspection.Artifacts)
            {
                console.MarkupLine($"  artifact {Markup.Escape(artifact.Name)}  [grey]{Markup.Escape(artifact.ArtifactId)}[/]");
            }

            foreach (var finding in inspection.Findings)
            {
                console.MarkupLine($"  {WireName.Of(finding.Severity)}  {Markup.Escape(finding.Title)}");
            }

            return Success;
        }, cancellation));
        return command;
    }

    private static Command FindingsCommand()
    {
        var runId = new Argument<string>("runId") { Description = "The run id." };
        var severity = new Option<string?>("--severity") { Description = "Only findings of this severity: info, low, medium, high, critical." };
        var sarif = new Option<bool>("--sarif") { Description = "Print the findings as a SARIF 2.1.0 log." };
        var json = new Option<bool>("--json") { Description = "Print the findings response as JSON." };
        var newOnly = new Option<bool>("--new") { Description = "Only findings that are new against the run's baseline; exit 1 when there are any (for CI)." };
        var command = new Command("findings", "List a run's findings, most severe first.") { runId, severity, sarif, json, newOnly };
        command.SetAction((parse, cancellation) => WithApiAsync(parse, async (api, console) =>
        {
            if (parse.GetValue(newOnly))
            {
                return await WriteNewFindingsAsync(api, console, parse.GetValue(runId)!, parse.GetValue(json), cancellation);
            }

            var body = await api.GetFindingsAsync(parse.GetValue(runId)!, parse.GetValue(severity), parse.GetValue(sarif), cancellation);
            if (parse.GetValue(sarif) || parse.GetValue(json))
            {
                Out.WriteLine(body);
                return Success;
            }

            using var document = JsonDocument.Parse(body);
            var findings = document.RootElement.GetProperty("findings");
            var counts = document.RootElement.GetProperty("counts");
            console.MarkupLine($"[bold]{findings.GetArrayLength()} finding(s)[/]: critical {counts.GetProperty("critical")}, high {counts.GetProperty("high")}, medium {counts.GetProperty("medium")}, low {counts.GetProperty("low")}, info {counts.GetProperty("info")}");
            var table = new Table().AddColumns("severity", "rule", "title", "asset", "node", "fingerprint");
            foreach (var finding in findings.EnumerateArray())
            {
                var asset = finding.GetProperty("asset").Deserialize<FindingAsset>(ShipSecJson.Options)!;
                table.AddRow(
                    Markup.Escape(finding.GetProperty("severity").GetString()!),
                    Markup.Escape(finding.GetProperty("ruleId").GetString()!),
                    Markup.Escape(finding.GetProperty("title").GetString()!),
                    Markup.Escape(Findings.Describe(asset)),
                    Markup.Escape(finding.GetProperty("nodeId").GetString()!),
                    Markup.Escape(finding.GetProperty("fingerprint").GetString()!));
            }

            if (findings.GetArrayLength() > 0)
            {
                console.Write(table);
            }

            return Success;
        }, cancellation));
        return command;
    }

    /// <summary>The run's findings that its baseline did not report; 1 when there are any, so a pipeline can fail on them.</summary>
    private static async Task<int> WriteNewFindingsAsync(ShipSecApiClient api, IAnsiConsole console, string runId, bool json, CancellationToken cancellationToken)
    {
        var added = (await api.DiffAsync(runId, "baseline", cancellationToken)).Findings.Added;
        if (json)
        {
            WriteJson(new { runId, findings = added });
        }
        else
        {
            console.MarkupLine($"[bold]{added.Count} new finding(s)[/] against the baseline");
            foreach (var finding in added)
            {
                console.MarkupLine($"  {WireName.Of(finding.Severity)}  {Markup.Escape(finding.Title)}  {Markup.Escape(Findings.Describe(finding.Asset))}  [grey]{Markup.Escape(finding.Fingerprint)}[/]");
            }
        }

        return added.Count == 0 ? Success : NewFindings;
    }

    private static Command TraceCommand()
    {
        var runId = new Argument<string>("runId") { Description = "The run id." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep streaming new events until the run ends." };
        var after = new Option<long>("--after") { Description = "Start after this sequence number.", DefaultValueFactory = _ => 0 };
        var command = new Command("trace", "Print a run's trace events in sequence order.") { runId, follow, after };
        command.SetAction((parse, cancellation) => WithApiAsync(parse, async (api, console) =>
        {
            var id = parse.GetValue(runId)!;
            var renderer = new TraceRenderer(console);
            if (parse.GetValue(follow))
            {
                await FollowAsync(api, renderer, id, cancellation, parse.GetValue(after));
                return Success;
            }

            var cursor = parse.GetValue(after);
            TracePageResponse page;
            do
            {
                page = await api.GetTraceAsync(id, cursor, 1000, cancellation);
                foreach (var traceEvent in page.Events)
                {
                    renderer.Write(traceEvent);
                }

                cursor = page.NextCursor;
            }
            while (page.HasMore);

            return Success;
        }, cancellation));
        return command;
    }

    /// <summary>Streams the trace from <paramref name="after"/> until the run's final status event has been printed.</summary>
    internal static async Task<RunSummary> FollowAsync(ShipSecApiClient api, TraceRenderer renderer, string runId, CancellationToken cancellationToken, long after = 0)
    {
        using var poll = new PeriodicTimer(FollowInterval);
        var cursor = after;
        while (true)
        {
            var page = await api.GetTraceAsync(runId, cursor, 1000, cancellationToken);
            var ended = false;
            foreach (var traceEvent in page.Events)
            {
                renderer.Write(traceEvent);
                ended |= traceEvent is { Type: TraceEventType.WorkflowStatus, Status: RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled };
            }

            cursor = page.NextCursor;
            if (ended)
            {
                return await api.GetStatusAsync(runId, cancellationToken);
            }

            if (page.HasMore)
            {
                continue;
            }

            // Nothing new: a run that ended before we began following (or whose final event lies before
            // --after) ends the loop too. Read once more after seeing the final summary, so that events
            // committed between the two reads are still printed.
            if (page.Events.Count == 0 && await api.GetStatusAsync(runId, cancellationToken) is { Status: RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled } summary)
            {
                var tail = await api.GetTraceAsync(runId, cursor, 1000, cancellationToken);
                foreach (var traceEvent in tail.Events)
                {
                    renderer.Write(traceEvent);
                }

                return summary;
            }

            await poll.WaitForNextTickAsync(cancellationToken);
        }
    }

    internal static void PrintWhereToLook(IAnsiConsole console, ShipSecApiClient api, string runId)
    {
        console.MarkupLine($"Status: {Markup.Escape(api.StatusUrl(runId))}");
        console.MarkupLine($"Trace:  {Markup.Escape(api.TraceUrl(runId))}");
    }

    internal static void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, ShipSecJson.Options));

    internal static async Task<int> WithApiAsync(ParseResult parse, Func<ShipSecApiClient, IAnsiConsole, Task<int>> action, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // Piped into a file or another program (scripts/run's log, CI): one event per line, never wrapped.
            console.Profile.Width = 400;
        }

        var baseUrl = parse.GetValue(UrlOption)!;
        if (!Uri.TryCreate(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute, out var baseAddress))
        {
            console.MarkupLine($"[red]--url is not an absolute URL: {Markup.Escape(baseUrl)}[/]");
            return RequestFailed;
        }

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (parse.GetValue(ApiKeyOption) is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        try
        {
            return await action(new ShipSecApiClient(http), console);
        }
        catch (ApiProblemException problem)
        {
            console.MarkupLine($"[red]{Markup.Escape(problem.Message)}[/]");
            return RequestFailed;
        }
        catch (HttpRequestException exception)
        {
            console.MarkupLine($"[red]Cannot reach {Markup.Escape(baseAddress.ToString())}: {Markup.Escape(exception.Message)}[/]");
            return RequestFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return RequestFailed;
        }
    }
}
