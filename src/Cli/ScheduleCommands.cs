using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace ShipSec.Cli;

/// <summary><c>shipsec schedule add|list|rm</c>: a workflow's schedules.</summary>
internal static class ScheduleCommands
{
    public static Command Schedule()
    {
        var command = new Command("schedule", "Create, list and delete a workflow's schedules.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        return command;
    }

    /// <summary><c>shipsec schedule add &lt;workflowId&gt; --cron "0 3 * * *" [--time-zone UTC] [--inputs '{…}']</c>.</summary>
    private static Command Add()
    {
        var workflowId = new Argument<string>("workflowId") { Description = "The workflow to start on the schedule." };
        var cron = new Option<string>("--cron") { Description = "Five fields (minute first), or six with seconds first.", Required = true };
        var timeZone = new Option<string?>("--time-zone") { Description = "An IANA time zone id; UTC when absent." };
        var inputs = new Option<string?>("--inputs") { Description = "The runs' input values as a JSON object, such as '{\"target\": \"127.0.0.1\"}'." };
        var command = new Command("add", "Create a schedule.") { workflowId, cron, timeZone, inputs };
        command.SetAction((parse, cancellation) => ShipSecCommandLine.WithApiAsync(parse, async (api, console) =>
        {
            JsonElement? values = null;
            if (parse.GetValue(inputs) is { } json)
            {
                try
                {
                    values = JsonSerializer.Deserialize<JsonElement>(json);
                }
                catch (JsonException exception)
                {
                    console.MarkupLine($"[red]--inputs is not JSON:[/] {Markup.Escape(exception.Message)}");
                    return ShipSecCommandLine.RequestFailed;
                }
            }

            var schedule = await api.CreateScheduleAsync(parse.GetValue(workflowId)!, parse.GetValue(cron)!, parse.GetValue(timeZone), values, cancellation);
            console.MarkupLine($"Created schedule [bold]{Markup.Escape(schedule.ScheduleId)}[/]: '{Markup.Escape(schedule.Cron)}' in {Markup.Escape(schedule.TimeZone)}, next fire {schedule.NextFireAt:u}");
            return ShipSecCommandLine.Success;
        }, cancellation));
        return command;
    }

    private static Command List()
    {
        var workflowId = new Argument<string>("workflowId") { Description = "The workflow." };
        var command = new Command("list", "List a workflow's schedules with their next fire times.") { workflowId };
        command.SetAction((parse, cancellation) => ShipSecCommandLine.WithApiAsync(parse, async (api, console) =>
        {
            var schedules = await api.ListSchedulesAsync(parse.GetValue(workflowId)!, cancellation);
            var table = new Table().AddColumns("schedule", "cron", "time zone", "next fire", "last run");
            foreach (var s in schedules)
            {
                table.AddRow(Markup.Escape(s.ScheduleId), Markup.Escape(s.Cron), Markup.Escape(s.TimeZone), s.NextFireAt?.ToString("u") ?? "never", Markup.Escape(s.LastRunId ?? "-"));
            }

            console.Write(table);
            return ShipSecCommandLine.Success;
        }, cancellation));
        return command;
    }

    private static Command Remove()
    {
        var workflowId = new Argument<string>("workflowId") { Description = "The workflow." };
        var scheduleId = new Argument<string>("scheduleId") { Description = "The schedule to delete." };
        var command = new Command("rm", "Delete a schedule: none of its fires starts afterwards.") { workflowId, scheduleId };
        command.SetAction((parse, cancellation) => ShipSecCommandLine.WithApiAsync(parse, async (api, console) =>
        {
            await api.DeleteScheduleAsync(parse.GetValue(workflowId)!, parse.GetValue(scheduleId)!, cancellation);
            console.MarkupLine($"Deleted schedule {Markup.Escape(parse.GetValue(scheduleId)!)}");
            return ShipSecCommandLine.Success;
        }, cancellation));
        return command;
    }
}
