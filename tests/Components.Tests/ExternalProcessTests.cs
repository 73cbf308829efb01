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
        var context = new RecordingComponentContext();

        // The process prints its own directory, then waits there for a gate file only this test can write.
        var run = ExternalProcess.RunAsync(context, "bash",
            ["-c", "pwd; while [ ! -f go ]; do sleep 0.02; done; echo second"]);

        var first = await context.WaitForLogAsync(_ => true);

        Assert.False(run.IsCompleted);
        Assert.Equal(TraceEventLevel.Info, first.Level);

        await File.WriteAllTextAsync(Path.Combine(first.Message, "go"), "go");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([first.Message, "second"], context.Logs.Select(l => l.Message));
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

        // The grandchild is found by its unique command line: inside the sandbox's own PID namespace the
        // pid it would print means nothing on the host.
        var marker = $"{Random.Shared.Next(100_000, 999_999)}.5";
        var run = ExternalProcess.RunAsync(context, "bash", ["-c", $"sleep {marker} & echo started; wait"]);

        await context.WaitForLogAsync(l => l.Message == "started");
        await Eventually.TrueAsync(() => ProcessesRunning("sleep", marker).Count > 0, $"sleep {marker} is running");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(15)));
        await Eventually.TrueAsync(() => ProcessesRunning("sleep", marker).Count == 0, $"the grandchild sleep {marker} is gone");
    }

    [Fact]
    public async Task Arguments_reach_the_program_verbatim_without_a_shell()
    {
        var context = new RecordingComponentContext();

        await ExternalProcess.RunAsync(context, "printf", ["%s\\n", "a b", "$HOME", "; rm -rf /"]);

        Assert.Equal(["a b", "$HOME", "; rm -rf /"], context.Logs.Select(l => l.Message));
    }

    [Fact]
    public async Task The_process_works_in_a_directory_of_its_own_that_is_removed_afterwards()
    {
        var context = new RecordingComponentContext();

        await ExternalProcess.RunAsync(context, new ExternalProcessStart
        {
            FileName = "bash",
            Arguments = ["-c", "pwd; echo \"$HOME\"; echo \"$SHIPSEC_TEST_VALUE\"; echo kept > result.txt && cat result.txt"],
            Environment = new Dictionary<string, string?> { ["SHIPSEC_TEST_VALUE"] = "from-test" },
        });

        var own = context.Logs[0].Message;
        Assert.Equal([own, own, "from-test", "kept"], context.Logs.Select(l => l.Message));
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "shipsec-work"), own, StringComparison.Ordinal);
        Assert.False(Directory.Exists(own), $"{own} is removed once the process has ended");
    }

    [Fact]
    public async Task The_process_sees_no_host_environment_variable()
    {
        const string name = "SHIPSEC_TEST_HOST_SECRET";
        Environment.SetEnvironmentVariable(name, "host-secret-value");
        try
        {
            var context = new RecordingComponentContext();

            await ExternalProcess.RunAsync(context, "bash", ["-c", $"echo \"${{{name}:-absent}}\"; env"]);

            Assert.Equal("absent", context.Logs[0].Message);
            Assert.DoesNotContain(context.Logs, l => l.Message.Contains("host-secret-value", StringComparison.Ordinal));
            Assert.DoesNotContain(context.Logs, l => l.Message.StartsWith("ConnectionStrings", StringComparison.Ordinal));
            var names = context.Logs.Skip(1).Select(l => l.Message.Split('=')[0]).Where(n => n is not ("PWD" or "SHLVL" or "_"));
            Assert.Equal(["HOME", "LANG", "PATH", "TMPDIR"], names.Order());
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task The_process_runs_as_an_unprivileged_user()
    {
        var context = new RecordingComponentContext();

        await ExternalProcess.RunAsync(context, "id", ["-u"]);

        Assert.NotEqual("0", Assert.Single(context.Logs).Message);
    }

    [Fact]
    public async Task The_process_cannot_write_outside_its_directory_nor_read_the_host_secrets()
    {
        var name = $"shipsec-escape-{Guid.NewGuid():N}";
        var hostTemp = Path.Combine("/tmp", name);
        var inRepository = Path.Combine(AppContext.BaseDirectory, name);
        var context = new RecordingComponentContext();

        var result = await ExternalProcess.RunAsync(context, "bash", ["-c",
            $"echo x > {hostTemp}; echo x > {inRepository}; echo x > {directory}/{name}; cat /etc/shadow; ls {directory}; echo done"]);

        Assert.Equal("done", context.Logs.Last(l => l.Level == TraceEventLevel.Info).Message);
        Assert.False(File.Exists(hostTemp), "the host's /tmp is untouched");
        Assert.False(File.Exists(inRepository), "the build output is untouched");
        Assert.False(File.Exists(Path.Combine(directory, name)), "another temp directory is untouched");
        Assert.DoesNotContain(context.Logs, l => l.Message.StartsWith("root:", StringComparison.Ordinal));
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task The_process_reaches_services_on_loopback()
    {
        // Scanners (nmap -sT, sslscan) connect out from the sandbox: the network is the host's.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();
        var context = new RecordingComponentContext();

        var result = await ExternalProcess.RunAsync(context, "bash", ["-c", $"exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("connected", Assert.Single(context.Logs).Message);
        using var client = await accepted.WaitAsync(TimeSpan.FromSeconds(15));
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

    // Host pids of running (not zombie) processes whose command line is exactly these arguments.
    private static List<int> ProcessesRunning(params string[] commandLine)
    {
        var expected = string.Join('\0', commandLine) + '\0';
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state is not ('Z' or 'X') && File.ReadAllText(Path.Combine(entry, "cmdline")) == expected)
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone between the listing and the read.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }
}
