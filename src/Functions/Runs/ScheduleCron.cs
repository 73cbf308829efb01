using Cronos;
using ShipSec.Shared.Dsl;

namespace ShipSec.Functions.Runs;

/// <summary>
/// A schedule's cron expression read in its time zone, by Cronos: five fields (minute first), six with a seconds field
/// first, or a macro such as <c>@daily</c>. Daylight-saving gaps and overlaps are Cronos's: a fire in a skipped hour
/// happens at the shift, one in a repeated hour once.
/// </summary>
public sealed class ScheduleCron
{
    /// <summary>The zone a schedule uses when its request names none.</summary>
    public const string DefaultTimeZone = "UTC";

    private readonly CronExpression expression;
    private readonly TimeZoneInfo zone;

    private ScheduleCron(CronExpression expression, TimeZoneInfo zone)
    {
        this.expression = expression;
        this.zone = zone;
    }

    /// <summary>Reads an expression and a zone; each problem names <c>/cron</c> or <c>/timeZone</c>.</summary>
    public static (ScheduleCron? Cron, IReadOnlyList<WorkflowProblem> Problems) Parse(string? cron, string? timeZone)
    {
        var problems = new List<WorkflowProblem>();
        CronExpression? expression = null;
        if (string.IsNullOrWhiteSpace(cron))
        {
            problems.Add(new WorkflowProblem("/cron", WorkflowProblemCodes.MissingField, "'cron' is required, such as \"0 3 * * *\" (five fields) or \"*/30 * * * * *\" (seconds first)."));
        }
        else
        {
            var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
            try
            {
                expression = fields switch
                {
                    6 => CronExpression.Parse(cron, CronFormat.IncludeSeconds),
                    5 or 1 => CronExpression.Parse(cron, CronFormat.Standard),
                    _ => throw new CronFormatException($"it has {fields} fields; give five (minute hour day month weekday) or six with seconds first"),
                };
            }
            catch (CronFormatException exception)
            {
                problems.Add(new WorkflowProblem("/cron", WorkflowProblemCodes.InvalidValue, $"'{cron}' is not a cron expression: {exception.Message}"));
            }
        }

        TimeZoneInfo? zone = null;
        var zoneId = string.IsNullOrWhiteSpace(timeZone) ? DefaultTimeZone : timeZone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            problems.Add(new WorkflowProblem("/timeZone", WorkflowProblemCodes.InvalidValue, $"'{zoneId}' is not a known time zone; use an IANA id such as \"Europe/Paris\" or \"UTC\"."));
        }

        return problems.Count == 0 ? (new ScheduleCron(expression!, zone!), []) : (null, problems);
    }

    /// <summary>The first fire strictly after <paramref name="instant"/>, in UTC (as stored); null when the expression has no more.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) => expression.GetNextOccurrence(instant, zone)?.ToUniversalTime();

    /// <summary>Up to <paramref name="count"/> fires strictly after <paramref name="instant"/>.</summary>
    public IReadOnlyList<DateTimeOffset> NextAfter(DateTimeOffset instant, int count)
    {
        var fires = new List<DateTimeOffset>(count);
        for (var next = NextAfter(instant); next is { } fire && fires.Count < count; next = NextAfter(fire))
        {
            fires.Add(fire);
        }

        return fires;
    }
}
