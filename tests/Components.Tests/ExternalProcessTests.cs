using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components.Tests;

public sealed class ExternalProcessTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("shipsec-exec-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Lines_are_logged_while_the_process_is_still_running()
    {
        var gate = Path.Combine(directory, "go");
        var context = new RecordingComponentContext();
        var run = ExternalProcess.RunAsync(context, "bash",
            ["-c", "echo first; while [ ! -f \"$1\" ]; do sleep 0.02; done; echo second", "bash", gate]);

        var first = await context.WaitForLogAsync(l => l.Message == "first");

        // The process waits for the gate file, so it cannot have exited before "first" reached the trace.
        Assert.False(run.IsCompleted);
        Assert.Equal(TraceEventLevel.Info, first.Level);

        await File.WriteAllTextAsync(gate, "go");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["first", "second"], context.Logs.Select(l => l.Message));
        Assert.True(context.Logs[1].At >= first.At);
    }

    [Fact]
    public async Task Stderr_lines_are_warnings_and_the_exit_code_is_returned()
    {
        var context = new RecordingComponentContext();

        var result = await ExternalProcess.RunAsync(context, "bash", ["-c", "echo out; echo err >&2; exit 3"]);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(context.Logs, l => l is { Level: TraceEventLevel.Info, Message: "out" });
        Assert.Contains(context.Logs, l => l is { Level: TraceEventLevel.Warn, Message: "err" });
        Assert.Equal(["err", "out"], result.LastLines.Order());
    }

    [Fact]
    public async Task Cancellation_kills_the_process_tree_and_throws()
    {
        using var cancellation = new CancellationTokenSource();
        var context = new RecordingComponentContext(cancellationToken: cancellation.Token);
        var run = ExternalProcess.RunAsync(context, "bash", ["-c", "sleep 300 & echo $!; wait"]);

        var child = int.Parse((await context.WaitForLogAsync(l => int.TryParse(l.Message, out _))).Message);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(15)));
        await Eventually.TrueAsync(() => !IsAlive(child), $"the grandchild sleep {child} is gone");
    }

    [Fact]
    public async Task Arguments_reach_the_program_verbatim_without_a_shell()
    {
        var context = new RecordingComponentContext();

        await ExternalProcess.RunAsync(context, "printf", ["%s\\n", "a b", "$HOME", "; rm -rf /"]);

        Assert.Equal(["a b", "$HOME", "; rm -rf /"], context.Logs.Select(l => l.Message));
    }

    [Fact]
    public async Task Working_directory_and_environment_are_applied()
    {
        var context = new RecordingComponentContext();

        await ExternalProcess.RunAsync(context, new ExternalProcessStart
        {
            FileName = "bash",
            Arguments = ["-c", "pwd; echo \"$SHIPSEC_TEST_VALUE\""],
            WorkingDirectory = directory,
            Environment = new Dictionary<string, string?> { ["SHIPSEC_TEST_VALUE"] = "from-test" },
        });

        Assert.Equal([Path.GetFullPath(directory), "from-test"], context.Logs.Select(l => l.Message));
    }

    [Fact]
    public async Task A_very_long_line_is_truncated_with_a_marker()
    {
        var context = new RecordingComponentContext();

        await ExternalProcess.RunAsync(context, new ExternalProcessStart
        {
            FileName = "bash",
            Arguments = ["-c", "head -c 100000 /dev/zero | tr '\\0' a; echo; echo next"],
            MaxLineLength = 1000,
        });

        Assert.Equal(2, context.Logs.Count);
        Assert.Equal(new string('a', 1000) + ExternalProcess.TruncationMarker, context.Logs[0].Message);
        Assert.Equal("next", context.Logs[1].Message);
    }

    [Fact]
    public async Task A_missing_program_fails_with_its_name()
    {
        var context = new RecordingComponentContext();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ExternalProcess.RunAsync(context, "shipsec-no-such-program", []));

        Assert.Contains("shipsec-no-such-program", error.Message);
    }

    private static bool IsAlive(int pid)
    {
        // A killed process whose parent is gone may linger as a zombie until reaped: that is dead too.
        var stat = $"/proc/{pid}/stat";
        try
        {
            var fields = File.ReadAllText(stat);
            var state = fields[(fields.LastIndexOf(')') + 2)..][0];
            return state != 'Z' && state != 'X';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
