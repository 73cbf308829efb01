using ShipSec.Functions.Runs;

namespace ShipSec.Functions.Tests;

/// <summary>How a schedule's expression and zone are read: what a person writing one would check.</summary>
public sealed class ScheduleCronTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_six_field_expression_fires_on_seconds()
    {
        var (cron, problems) = ScheduleCron.Parse("*/15 * * * * *", "UTC");

        Assert.Empty(problems);
        Assert.Equal([Noon.AddSeconds(15), Noon.AddSeconds(30), Noon.AddSeconds(45)], cron!.NextAfter(Noon, 3));
    }

    [Fact]
    public void A_five_field_expression_is_read_in_its_time_zone_across_a_daylight_saving_change()
    {
        // Paris moves to summer time on 2026-03-29: 03:00 local is 02:00 UTC the day before and 01:00 UTC after.
        var (cron, _) = ScheduleCron.Parse("0 3 * * *", "Europe/Paris");

        Assert.Equal(
            [new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 30, 1, 0, 0, TimeSpan.Zero)],
            cron!.NextAfter(Noon, 2));
    }

    [Fact]
    public void No_time_zone_means_utc()
        => Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.Zero), ScheduleCron.Parse("0 3 * * *", null).Cron!.NextAfter(Noon));

    [Theory]
    [InlineData("61 * * * *", "UTC", "/cron")]
    [InlineData("* * * *", "UTC", "/cron")]
    [InlineData("* * * * * * *", "UTC", "/cron")]
    [InlineData("", "UTC", "/cron")]
    [InlineData("0 3 * * *", "Nowhere/Special", "/timeZone")]
    public void A_bad_expression_or_zone_names_its_field(string cron, string zone, string field)
    {
        var (parsed, problems) = ScheduleCron.Parse(cron, zone);

        Assert.Null(parsed);
        Assert.Equal(field, Assert.Single(problems).Field);
    }
}
