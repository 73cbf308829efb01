using System.Diagnostics;
using System.Text;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Sdk;

/// <summary>What to run: the program, its arguments (never through a shell) and where.</summary>
public sealed record ExternalProcessStart
{
    /// <summary>The program: a path, or a name looked up on PATH.</summary>
    public required string FileName { get; init; }

    /// <summary>Arguments, each passed as one argv entry with no shell quoting or expansion.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>
    /// Working directory, bound writable into the sandbox; when null the process works in a directory of
    /// its own, created for it and removed after it ends.
    /// </summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// Environment variables to set on top of a minimal PATH, HOME, TMPDIR, LANG and TRACEPARENT; a null value
    /// removes the variable. Nothing else of the host's environment reaches the process.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Longest line logged as is, in characters; the rest of a longer line is dropped with a marker.</summary>
    public int MaxLineLength { get; init; } = 16 * 1024;

    /// <summary>How many of the last output lines (stdout and stderr, in arrival order) to keep for the result.</summary>
    public int LastLineCount { get; init; } = 20;

    /// <summary>
    /// Sees every stdout line as it arrives (a tool's machine-readable output or progress); returns false to
    /// keep that line out of the trace. Null logs every line.
    /// </summary>
    public Func<string, bool>? StandardOutputLine { get; init; }
}

/// <summary>How a process ended.</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="LastLines">The last <see cref="ExternalProcessStart.LastLineCount"/> lines of stdout and stderr.</param>
public sealed record ExternalProcessResult(int ExitCode, IReadOnlyList<string> LastLines);

/// <summary>
/// Runs a program for a component and streams its output into the trace as it is written: each stdout
/// line becomes a NODE_LOG at info level, each stderr line one at warn level (<see cref="IComponentContext.Output"/>:
/// the message cleaned of ANSI sequences, the raw line kept for the terminal). The process is confined by
/// the context's <see cref="IComponentContext.Sandbox"/>.
/// </summary>
public static class ExternalProcess
{
    /// <summary>Appended to a line cut at <see cref="ExternalProcessStart.MaxLineLength"/>.</summary>
    public const string TruncationMarker = " …[line truncated]";

    private static readonly TimeSpan KillDrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Starts the process, logs its output line by line while it runs and returns its exit code. Cancellation
    /// (of <paramref name="cancellationToken"/> or of the context's token) kills the whole process tree and
    /// then throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<ExternalProcessResult> RunAsync(
        IComponentContext context, ExternalProcessStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentException.ThrowIfNullOrWhiteSpace(start.FileName);
        ArgumentOutOfRangeException.ThrowIfLessThan(start.MaxLineLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(start.LastLineCount);

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken);
        var token = linked.Token;
        token.ThrowIfCancellationRequested();

        using var sandboxed = context.Sandbox.Prepare(start, CurrentTraceParent());
        using var process = new Process { StartInfo = sandboxed.StartInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"Could not start '{start.FileName}': {exception.Message}", exception);
        }

        // Nothing is ever written to stdin: closing it makes a tool that reads it see end of input instead of hanging.
        process.StandardInput.Close();

        var lastLines = new LastLines(start.LastLineCount);
        var stdout = PumpAsync(process.StandardOutput, OutputPipe.Stdout, context, lastLines, start.MaxLineLength, start.StandardOutputLine);
        var stderr = PumpAsync(process.StandardError, OutputPipe.Stderr, context, lastLines, start.MaxLineLength, null);

        // The pipes close when the process and every child still holding them have exited, so waiting on
        // them also catches output a grandchild writes after its parent is gone.
        var output = Task.WhenAll(stdout, stderr);
        using (token.Register(static state => KillTree((Process)state!), process))
        {
            try
            {
                await output.WaitAsync(token).ConfigureAwait(false);
                await process.WaitForExitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The registration has killed the tree. A process that left the tree (setsid, a daemon) may
                // still hold a pipe open: give the readers a moment to drain, never an unbounded wait.
                await Task.WhenAny(output, Task.Delay(KillDrainTimeout, CancellationToken.None)).ConfigureAwait(false);
                throw new OperationCanceledException(
                    $"'{start.FileName}' was cancelled and its process tree killed.",
                    context.CancellationToken.IsCancellationRequested ? context.CancellationToken : cancellationToken);
            }
            finally
            {
                // Whatever ended the wait (a failing log call included), no process of ours outlives it.
                if (!process.HasExited)
                {
                    KillTree(process);
                }
            }
        }

        return new ExternalProcessResult(process.ExitCode, lastLines.ToList());
    }

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>; see <see cref="RunAsync(IComponentContext, ExternalProcessStart, CancellationToken)"/>.</summary>
    public static Task<ExternalProcessResult> RunAsync(
        IComponentContext context, string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
        => RunAsync(context, new ExternalProcessStart { FileName = fileName, Arguments = [.. arguments] }, cancellationToken);

    // W3C trace context of the node attempt, so a tool that understands TRACEPARENT joins the run's trace.
    private static string? CurrentTraceParent()
        => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own between the cancellation and the kill: nothing left to stop.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Same race, reported by the OS while walking the tree.
        }
    }

    private static async Task PumpAsync(
        StreamReader reader, OutputPipe stream, IComponentContext context, LastLines lastLines, int maxLineLength, Func<string, bool>? observe)
    {
        var lines = new BoundedLineReader(reader, maxLineLength);
        while (await lines.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            // What a tool's parser and the next node see is the text; the terminal keeps the colours.
            var text = AnsiText.Strip(line);
            lastLines.Add(text);
            if (observe?.Invoke(text) != false)
            {
                context.Output(stream, line);
            }
        }
    }

    /// <summary>Reads lines without ever holding more than the line limit: a huge line costs no memory.</summary>
    private sealed class BoundedLineReader(StreamReader reader, int maxLineLength)
    {
        private readonly char[] buffer = new char[4096];
        private readonly StringBuilder line = new();
        private int position;
        private int length;

        public async Task<string?> ReadLineAsync()
        {
            var truncated = false;
            line.Clear();
            while (true)
            {
                if (position == length)
                {
                    length = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false);
                    position = 0;
                    if (length == 0)
                    {
                        return line.Length > 0 || truncated ? Finish(truncated) : null;
                    }
                }

                var newline = Array.IndexOf(buffer, '\n', position, length - position);
                var end = newline < 0 ? length : newline;
                var room = maxLineLength - line.Length;
                var take = Math.Min(end - position, room);
                line.Append(buffer, position, take);
                truncated |= end - position > room;
                position = newline < 0 ? length : newline + 1;
                if (newline >= 0)
                {
                    return Finish(truncated);
                }
            }
        }

        private string Finish(bool truncated)
        {
            if (line.Length > 0 && line[^1] == '\r')
            {
                line.Length--;
            }

            return truncated ? line.Append(TruncationMarker).ToString() : line.ToString();
        }
    }

    private sealed class LastLines(int capacity)
    {
        private readonly Queue<string> lines = new();
        private readonly Lock gate = new();

        public void Add(string line)
        {
            if (capacity == 0)
            {
                return;
            }

            lock (gate)
            {
                if (lines.Count == capacity)
                {
                    lines.Dequeue();
                }

                lines.Enqueue(line);
            }
        }

        public List<string> ToList()
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }
}
