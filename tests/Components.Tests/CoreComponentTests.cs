using Microsoft.Extensions.DependencyInjection;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components.Tests;

public sealed class CoreComponentTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Fail_fails_up_to_the_given_attempt(int attempt)
    {
        var context = new RecordingComponentContext(new { message = "flaky", failUntilAttempt = 2 }, attempt);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new FailComponent().ExecuteAsync(context));

        Assert.Equal("flaky", error.Message);
    }

    [Fact]
    public async Task Fail_succeeds_after_the_given_attempt()
    {
        var context = new RecordingComponentContext(new { failUntilAttempt = 2 }, attempt: 3);

        var outputs = await new FailComponent().ExecuteAsync(context);

        Assert.Equal(3, outputs.Read<int>("attempt"));
    }

    [Fact]
    public async Task Fail_without_a_limit_fails_every_attempt_with_the_default_message()
    {
        var context = new RecordingComponentContext(attempt: 9);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new FailComponent().ExecuteAsync(context));

        Assert.Equal(FailComponent.DefaultMessage, error.Message);
    }

    [Fact]
    public async Task Sleep_completes_with_progress_to_the_end()
    {
        var context = new RecordingComponentContext(new { milliseconds = 50 });

        var outputs = await new SleepComponent().ExecuteAsync(context);

        Assert.Equal(50, outputs.Read<int>("sleptMilliseconds"));
        Assert.Equal(10, context.ProgressReports.Count);
        Assert.Equal((50, 50), (context.ProgressReports[^1].Current, context.ProgressReports[^1].Total));
    }

    [Fact]
    public async Task Sleep_stops_at_once_when_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var context = new RecordingComponentContext(new { milliseconds = 3_600_000 }, cancellationToken: cancellation.Token);
        var sleep = new SleepComponent().ExecuteAsync(context);
        await context.WaitForLogAsync(l => l.Message.StartsWith("Sleeping", StringComparison.Ordinal));

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleep.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(context.ProgressReports);
    }

    [Fact]
    public async Task Log_writes_numbered_lines_at_the_given_level()
    {
        var context = new RecordingComponentContext(new { message = "hello", count = 3, level = "warn" });

        var outputs = await new LogComponent().ExecuteAsync(context);

        Assert.Equal(3, outputs.Read<int>("count"));
        Assert.Equal(["hello [1/3]", "hello [2/3]", "hello [3/3]"], context.Logs.Select(l => l.Message));
        Assert.All(context.Logs, l => Assert.Equal(TraceEventLevel.Warn, l.Level));
    }

    [Fact]
    public async Task Exec_streams_output_and_returns_the_last_lines()
    {
        var context = new RecordingComponentContext(new
        {
            command = "bash",
            args = new[] { "-c", "for i in $(seq 1 25); do echo line $i; done" },
        });

        var outputs = await Exec(["bash"]).ExecuteAsync(context);

        Assert.Equal(0, outputs.Read<int>("exitCode"));
        var lastLines = outputs.Read<string[]>("lastLines");
        Assert.Equal(20, lastLines.Length);
        Assert.Equal("line 25", lastLines[^1]);
        Assert.Contains(context.Logs, l => l is { Message: "line 1", Level: TraceEventLevel.Info });
    }

    [Fact]
    public async Task Exec_fails_on_a_non_zero_exit_naming_the_code()
    {
        var context = new RecordingComponentContext(new { command = "bash", args = new[] { "-c", "exit 7" } });

        var error = await Assert.ThrowsAsync<ProcessExitCodeException>(() => Exec(["bash"]).ExecuteAsync(context));

        Assert.Equal(7, error.ExitCode);
        Assert.Contains("7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_can_tolerate_a_non_zero_exit()
    {
        var context = new RecordingComponentContext(new { command = "bash", args = new[] { "-c", "exit 7" }, failOnNonZeroExit = false });

        var outputs = await Exec(["bash"]).ExecuteAsync(context);

        Assert.Equal(7, outputs.Read<int>("exitCode"));
    }

    [Fact]
    public async Task Exec_is_refused_unless_the_deployment_enables_it()
    {
        var context = new RecordingComponentContext(new { command = "bash", args = new[] { "-c", "echo ran" } });
        using var provider = new ServiceCollection()
            .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build())
            .AddShipSecComponents().BuildServiceProvider();
        Assert.True(provider.GetRequiredService<IComponentCatalog>().TryGet(ExecComponent.ComponentName, out var exec));

        var error = await Assert.ThrowsAsync<ComponentRefusedException>(() => exec.ExecuteAsync(context));

        Assert.Equal("exec-disabled", error.Kind);
        Assert.Contains("Components:Exec:Enabled", error.Message, StringComparison.Ordinal);
        Assert.Empty(context.Logs);
    }

    [Fact]
    public async Task Exec_refuses_a_program_that_is_not_on_the_allow_list()
    {
        var context = new RecordingComponentContext(new { command = "sh", args = new[] { "-c", "echo ran" } });

        var error = await Assert.ThrowsAsync<ComponentRefusedException>(() => Exec(["bash"]).ExecuteAsync(context));

        Assert.Equal("command-not-allowed", error.Kind);
        Assert.Contains("'sh'", error.Message, StringComparison.Ordinal);
        Assert.Empty(context.Logs);
    }

    [Fact]
    public void Every_component_is_registered_once_in_the_catalog()
    {
        using var provider = new ServiceCollection()
            .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build())
            .AddShipSecComponents().AddShipSecComponents().BuildServiceProvider();
        var catalog = provider.GetRequiredService<IComponentCatalog>();

        Assert.Equal(
            ["core.exec", "core.fail", "core.log", "core.report", "core.sleep", "security.http-probe", "security.nmap", "security.port-scan", "security.tls"],
            catalog.Descriptors.Select(d => d.Name).Order());
        Assert.True(catalog.TryGet("security.port-scan", out var scan));
        Assert.IsType<PortScanComponent>(scan);
    }

    private static ExecComponent Exec(string[] allowed)
    {
        var options = new ExecOptions { Enabled = true };
        foreach (var command in allowed)
        {
            options.AllowedCommands.Add(command);
        }

        return new ExecComponent(Microsoft.Extensions.Options.Options.Create(options));
    }
}
