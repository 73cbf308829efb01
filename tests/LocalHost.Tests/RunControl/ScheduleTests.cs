using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipSec.Functions.Runs;
using ShipSec.Shared.Json;
using ShipSec.Shared.Postgres;
using ShipSec.Shared.Runs;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.RunControl;

/// <summary>Workflow schedules through the API, and the scheduler's claims against one database.</summary>
public sealed class ScheduleTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private const string Workflow = """
        { "id": "{id}", "name": "scheduled",
          "inputs": { "label": { "type": "string", "required": true }, "token": { "type": "string", "secret": true } },
          "nodes": [ { "id": "say", "component": "core.log", "inputs": { "message": { "$input": "label" } } } ] }
        """;

    [Fact]
    public async Task A_seconds_schedule_starts_runs_that_name_it_and_none_after_it_is_deleted()
    {
        await RegisterAsync("sched-seconds");
        var (status, created) = await CreateAsync("sched-seconds", """{ "cron": "*/1 * * * * *", "timeZone": "UTC", "inputs": { "label": "tick", "token": "s3cr3t-sched" } }""");
        Assert.Equal(HttpStatusCode.Created, status);
        var scheduleId = created.GetProperty("scheduleId").GetString()!;
        Assert.Equal("***", created.GetProperty("inputs").GetProperty("token").GetString());
        Assert.DoesNotContain("s3cr3t-sched", created.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(WorkflowSchedules.UpcomingShown, created.GetProperty("upcomingFireTimes").GetArrayLength());

        var listed = await ListAsync("sched-seconds");
        var schedule = Assert.Single(listed.EnumerateArray());
        Assert.Equal(scheduleId, schedule.GetProperty("scheduleId").GetString());
        Assert.Equal(JsonValueKind.String, schedule.GetProperty("nextFireAt").ValueKind);

        // Two fires' runs, each naming the schedule.
        var runs = await WaitForRunsAsync("sched-seconds", 2);
        Assert.All(runs, r => Assert.Equal(scheduleId, r.GetProperty("trigger").GetProperty("scheduleId").GetString()));
        Assert.All(runs, r => Assert.Equal("schedule", r.GetProperty("trigger").GetProperty("kind").GetString()));
        var runId = runs[0].GetProperty("runId").GetString()!;
        var ended = await host.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.Completed, ended.Status);
        Assert.Equal(RunTrigger.Schedule(scheduleId), ended.Trigger);
        Assert.Equal("***", ended.Inputs!["token"].GetString());
        Assert.Equal("tick", ended.Inputs!["label"].GetString());

        using (var deleted = await host.Http.DeleteAsync(new Uri($"api/workflows/sched-seconds/schedules/{scheduleId}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // A fire in progress while deleting holds the row: once the delete answered, every run of the schedule exists.
        var before = (await ListRunsAsync("sched-seconds")).Count;
        Assert.Empty((await ListAsync("sched-seconds")).EnumerateArray());
        var scheduler = host.Services.GetRequiredService<WorkflowScheduler>();
        Assert.Equal(0, await scheduler.FireDueAsync(host.Services.GetRequiredService<DurableTaskClient>()));
        Assert.Equal(before, (await ListRunsAsync("sched-seconds")).Count);

        using var again = await host.Http.DeleteAsync(new Uri($"api/workflows/sched-seconds/schedules/{scheduleId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("scheduleId", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "cron": "every day", "inputs": { "label": "x" } }""", "/cron")]
    [InlineData("""{ "cron": "* * *", "inputs": { "label": "x" } }""", "/cron")]
    [InlineData("""{ "inputs": { "label": "x" } }""", "/cron")]
    [InlineData("""{ "cron": 5, "inputs": { "label": "x" } }""", "/cron")]
    [InlineData("""{ "cron": "0 3 * * *", "timeZone": "Mars/Olympus_Mons", "inputs": { "label": "x" } }""", "/timeZone")]
    [InlineData("""{ "cron": "0 3 * * *" }""", "/inputs/label")]
    [InlineData("""{ "cron": "0 3 * * *", "inputs": { "label": "x", "nope": 1 } }""", "/inputs/nope")]
    [InlineData("""{ "cron": "0 3 * * *", "inputs": { "label": 7 } }""", "/inputs/label")]
    [InlineData("""{ "cron": "0 3 * * *", "every": "day", "inputs": { "label": "x" } }""", "/every")]
    public async Task An_invalid_schedule_is_a_400_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        await RegisterAsync("sched-invalid");
        var (status, problem) = await CreateAsync("sched-invalid", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        Assert.Empty((await ListAsync("sched-invalid")).EnumerateArray());
    }

    [Fact]
    public async Task A_schedule_of_an_unknown_workflow_is_a_404()
    {
        var (status, problem) = await CreateAsync("sched-nobody", """{ "cron": "0 3 * * *" }""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("workflowId", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Fires_missed_while_no_scheduler_ran_start_one_run_not_a_burst()
    {
        await RegisterAsync("sched-missed");
        var (_, created) = await CreateAsync("sched-missed", """{ "cron": "0 0 3 * * *", "timeZone": "Europe/Paris", "inputs": { "label": "nightly" } }""");
        var scheduleId = created.GetProperty("scheduleId").GetString()!;
        await using var cleanup = DeletesAtEnd("sched-missed", scheduleId);
        var firstFire = created.GetProperty("nextFireAt").GetDateTimeOffset();

        // Four nightly fires went by while no host was up.
        var now = firstFire.AddDays(3).AddHours(5);
        var scheduler = SchedulerAt(now, host.Services.GetRequiredService<IScheduleStore>());
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        Assert.Equal(1, await scheduler.FireDueAsync(client));
        Assert.Equal(0, await scheduler.FireDueAsync(client));

        var run = Assert.Single(await WaitForRunsAsync("sched-missed", 1));
        Assert.Equal(scheduleId, run.GetProperty("trigger").GetProperty("scheduleId").GetString());
        var schedule = Assert.Single((await ListAsync("sched-missed")).EnumerateArray());
        var next = schedule.GetProperty("nextFireAt").GetDateTimeOffset();
        Assert.True(next > now, $"the next fire {next:o} is after the scheduler's now {now:o}");
        Assert.True(next <= now.AddDays(1));
        Assert.Equal(firstFire, schedule.GetProperty("lastFireAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Two_schedulers_against_one_database_start_each_fire_once()
    {
        const int Schedules = 6;
        await RegisterAsync("sched-two-hosts");
        DateTimeOffset latest = default;
        var cleanups = new List<IAsyncDisposable>();
        for (var i = 0; i < Schedules; i++)
        {
            var (status, created) = await CreateAsync("sched-two-hosts", $$"""{ "cron": "{{i}} 4 * * *", "inputs": { "label": "s{{i}}" } }""");
            Assert.Equal(HttpStatusCode.Created, status);
            cleanups.Add(DeletesAtEnd("sched-two-hosts", created.GetProperty("scheduleId").GetString()!));
            var fire = created.GetProperty("nextFireAt").GetDateTimeOffset();
            latest = fire > latest ? fire : latest;
        }

        try
        {
            // A second scheduler with its own connection pool, as another host would have.
            var options = host.Services.GetRequiredService<IOptions<PostgresOptions>>().Value;
            await using var otherPool = options.CreateDataSource();
            var now = latest.AddMinutes(1);
            var one = SchedulerAt(now, host.Services.GetRequiredService<IScheduleStore>());
            var two = SchedulerAt(now, new PostgresSchedules(otherPool));
            var client = host.Services.GetRequiredService<DurableTaskClient>();

            var fired = await Task.WhenAll(one.FireDueAsync(client), two.FireDueAsync(client), one.FireDueAsync(client), two.FireDueAsync(client));

            Assert.Equal(Schedules, fired.Sum());
            var runs = await WaitForRunsAsync("sched-two-hosts", Schedules);
            Assert.Equal(Schedules, runs.Count);
            Assert.Equal(Schedules, runs.Select(r => r.GetProperty("trigger").GetProperty("scheduleId").GetString()).Distinct().Count());
            Assert.Equal(0, await one.FireDueAsync(client) + await two.FireDueAsync(client));
        }
        finally
        {
            foreach (var cleanup in cleanups)
            {
                await cleanup.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_fire_whose_start_fails_stays_due_and_holds_up_no_other_schedule()
    {
        await RegisterAsync("sched-one-fails");
        var (_, failing) = await CreateAsync("sched-one-fails", """{ "cron": "0 4 * * *", "inputs": { "label": "fails" } }""");
        var (_, healthy) = await CreateAsync("sched-one-fails", """{ "cron": "1 4 * * *", "inputs": { "label": "fires" } }""");
        var (failingId, healthyId) = (failing.GetProperty("scheduleId").GetString()!, healthy.GetProperty("scheduleId").GetString()!);
        await using var first = DeletesAtEnd("sched-one-fails", failingId);
        await using var second = DeletesAtEnd("sched-one-fails", healthyId);
        // The failing schedule's fire (04:00) is due before the healthy one's (04:01), so it is claimed first.
        var now = healthy.GetProperty("nextFireAt").GetDateTimeOffset().AddMinutes(1);
        var store = host.Services.GetRequiredService<IScheduleStore>();
        var started = new List<string>();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => store.FireDueAsync(now, 10, (due, _) =>
        {
            started.Add(due.ScheduleId);
            return due.ScheduleId == failingId
                ? throw new InvalidOperationException("orchestration storage refused the start")
                : Task.FromResult(new FireOutcome(null, now.AddDays(1)));
        }));

        Assert.Equal("orchestration storage refused the start", failure.Message);
        Assert.Equal([failingId, healthyId], started);
        var schedules = (await ListAsync("sched-one-fails")).EnumerateArray().ToDictionary(s => s.GetProperty("scheduleId").GetString()!);
        Assert.True(schedules[failingId].GetProperty("nextFireAt").GetDateTimeOffset() <= now, "the failed fire is still due");
        Assert.Equal(now.AddDays(1), schedules[healthyId].GetProperty("nextFireAt").GetDateTimeOffset());
    }

    // The scheduler passes of these tests take every due schedule of the host's database: each test removes its own, so
    // a later test's fake "now" does not find them due.
    private Deletion DeletesAtEnd(string workflowId, string scheduleId) => new(host.Http, workflowId, scheduleId);

    private sealed class Deletion(HttpClient http, string workflowId, string scheduleId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var response = await http.DeleteAsync(new Uri($"api/workflows/{workflowId}/schedules/{scheduleId}", UriKind.Relative));
        }
    }

    private WorkflowScheduler SchedulerAt(DateTimeOffset now, IScheduleStore store) => new(
        store,
        host.Services.GetRequiredService<IRunStore>(),
        host.Services.GetRequiredService<RunLauncher>(),
        new FixedClock(now),
        NullLogger<WorkflowScheduler>.Instance);

    private async Task RegisterAsync(string id)
    {
        using var content = new StringContent(Workflow.Replace("{id}", id, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> CreateAsync(string workflowId, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync(new Uri($"api/workflows/{workflowId}/schedules", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(ShipSecJson.Options));
    }

    private async Task<JsonElement> ListAsync(string workflowId)
        => (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/{workflowId}/schedules", UriKind.Relative))).GetProperty("schedules");

    private async Task<List<JsonElement>> ListRunsAsync(string workflowId)
        => [.. (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs?workflowId={workflowId}&limit=200", UriKind.Relative)))
            .GetProperty("runs").EnumerateArray()];

    private async Task<List<JsonElement>> WaitForRunsAsync(string workflowId, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (true)
        {
            var runs = await ListRunsAsync(workflowId);
            if (runs.Count >= count)
            {
                return runs;
            }

            try
            {
                await poll.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{workflowId} has {runs.Count} runs, not {count}, at the deadline.");
            }
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
