using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components;

/// <summary><c>core.exec</c>: runs a program (no shell) and streams its output into the trace line by line.</summary>
public sealed class ExecComponent : IComponent
{
    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "core.exec";

    private const int LastLineCount = 20;

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "Runs a program with arguments (no shell): stdout lines are logged as info and stderr lines as warn while it runs.",
        [
            new("command", ComponentValueType.String, true, "Program to run: a path or a name on PATH."),
            new("args", ComponentValueType.Array, false, "Arguments (strings), each passed as is (default [])."),
            new("workingDirectory", ComponentValueType.String, false, "Directory to run in (default: the worker's)."),
            new("failOnNonZeroExit", ComponentValueType.Boolean, false, "Fail the node when the exit code is not 0 (default true)."),
            new("environment", ComponentValueType.Object, false, "Extra environment variables (name to string value), such as API tokens: secret, so their values are redacted from the trace.", Secret: true),
        ],
        [
            new("exitCode", ComponentValueType.Integer, "The program's exit code."),
            new("lastLines", ComponentValueType.Array, "The last 20 lines of output (stdout and stderr)."),
            new("lastLine", ComponentValueType.String, "The last line of output, such as a value a script prints for the next node (empty when there was none)."),
        ]);

    /// <inheritdoc />
    public async Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var inputs = context.Inputs;
        var command = inputs.Get<string>("command");
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ComponentInputException("command", "must not be empty");
        }

        var start = new ExternalProcessStart
        {
            FileName = command,
            Arguments = inputs.GetOrDefault<string[]>("args", []),
            WorkingDirectory = inputs.GetOrDefault<string?>("workingDirectory", null),
            Environment = inputs.GetOrDefault<Dictionary<string, string?>>("environment", []),
            LastLineCount = LastLineCount,
        };
        var failOnNonZeroExit = inputs.GetOrDefault("failOnNonZeroExit", true);

        context.Log(TraceEventLevel.Debug, $"Running {command} with {start.Arguments.Count} argument(s)");
        var result = await ExternalProcess.RunAsync(context, start, context.CancellationToken).ConfigureAwait(false);
        context.Log(result.ExitCode == 0 ? TraceEventLevel.Info : TraceEventLevel.Warn, $"{command} exited with code {result.ExitCode}");
        if (result.ExitCode != 0 && failOnNonZeroExit)
        {
            throw new ProcessExitCodeException(command, result.ExitCode);
        }

        return new ComponentOutputs().With("exitCode", result.ExitCode).With("lastLines", result.LastLines)
            .With("lastLine", result.LastLines.Count > 0 ? result.LastLines[^1] : string.Empty);
    }
}
