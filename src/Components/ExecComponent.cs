using Microsoft.Extensions.Options;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components;

/// <summary>
/// <c>core.exec</c>: runs a program (no shell) in the process sandbox and streams its output into the trace
/// line by line. Refused unless the deployment enables it, and then only for programs on its allow-list.
/// </summary>
public sealed class ExecComponent(IOptions<ExecOptions> options) : IComponent
{
    /// <summary>Failure kind when <c>Components:Exec:Enabled</c> is false.</summary>
    public const string DisabledKind = "exec-disabled";

    /// <summary>Failure kind for a program not on <c>Components:Exec:AllowedCommands</c>.</summary>
    public const string NotAllowedKind = "command-not-allowed";

    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "core.exec";

    private const int LastLineCount = 20;

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "Runs a program on the deployment's allow-list with arguments (no shell), in a sandbox with a directory of its own: stdout lines are logged as info and stderr lines as warn while it runs.",
        [
            new("command", ComponentValueType.String, true, "Program to run: a path or a name on PATH."),
            new("args", ComponentValueType.Array, false, "Arguments (strings), each passed as is (default [])."),
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

        var policy = options.Value;
        if (!policy.Enabled)
        {
            throw new ComponentRefusedException(DisabledKind, $"{ComponentName} is disabled on this deployment: set {ExecOptions.SectionName}:Enabled to true and list the programs it may run in {ExecOptions.SectionName}:AllowedCommands.");
        }

        if (!policy.AllowedCommands.Contains(command, StringComparer.Ordinal))
        {
            throw new ComponentRefusedException(NotAllowedKind, $"'{command}' is not on {ExecOptions.SectionName}:AllowedCommands ({(policy.AllowedCommands.Count == 0 ? "empty" : string.Join(", ", policy.AllowedCommands))}).");
        }

        var start = new ExternalProcessStart
        {
            FileName = command,
            Arguments = inputs.GetOrDefault<string[]>("args", []),
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
