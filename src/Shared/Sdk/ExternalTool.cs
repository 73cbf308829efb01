namespace ShipSec.Shared.Sdk;

/// <summary>Finds a component's external tool on PATH before it is started, so a missing one fails the node with kind <c>tool-missing</c>.</summary>
public static class ExternalTool
{
    /// <summary>The full path of <paramref name="tool"/>; throws <see cref="ToolMissingException"/> naming <paramref name="package"/> when it is not on PATH.</summary>
    public static string Find(string tool, string package)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentException.ThrowIfNullOrWhiteSpace(package);
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return candidate;
            }
        }

        throw new ToolMissingException(tool, package);
    }
}
