using System.Diagnostics;

namespace ShipSec.Functions.Tests;

/// <summary>The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package in the NuGet cache.</summary>
internal static class BicepCli
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public static string ExecutablePath
    {
        get
        {
            var path = Path.Combine(BuildLayout.BicepPackageDirectory, "tools", "bicep");
            Assert.True(File.Exists(path), $"The Bicep CLI is not where its package puts it ({path}).");

            // NuGet extracts files without their execute bit on some machines. (The package is the
            // linux-x64 build: on Windows these tests would need the win-x64 package instead.)
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(path);
                if ((mode & UnixFileMode.UserExecute) == 0)
                {
                    File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                }
            }

            return path;
        }
    }

    public static async Task<BicepResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = BuildLayout.BicepDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(Deadline);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Deadline}.");
        }

        return new BicepResult(process.ExitCode, await output, await error);
    }
}

internal sealed record BicepResult(int ExitCode, string Output, string Error);
