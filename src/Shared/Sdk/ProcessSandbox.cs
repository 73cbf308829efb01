using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace ShipSec.Shared.Sdk;

/// <summary>How component processes are confined (configuration section <c>Components:Sandbox</c>).</summary>
public sealed class ProcessSandboxOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Components:Sandbox";

    /// <summary>
    /// The unprivileged user component processes run as when the host runs as root (created by
    /// <c>scripts/services</c>); <c>nobody</c> when it does not exist. A host that is not root runs them as itself.
    /// </summary>
    [Required]
    public string RunAsUser { get; set; } = "shipsec-runner";

    /// <summary>Run each process inside bubblewrap when <see cref="BubblewrapPath"/> exists (default true).</summary>
    public bool UseBubblewrap { get; set; } = true;

    /// <summary>Debian's bubblewrap.</summary>
    [Required]
    public string BubblewrapPath { get; set; } = "/usr/bin/bwrap";

    /// <summary>Where each process's own directory is created and removed again; the system temp directory's <c>shipsec-work</c> when empty.</summary>
    public string? WorkRoot { get; set; }
}

/// <summary>
/// Confines the processes components start: an unprivileged user, an environment holding only what the
/// component declares, a directory of its own per process (removed afterwards), and where bubblewrap is
/// installed a sandbox that sees read-only system directories, its own directory writable, and nothing
/// else of the host's files. The network is shared so that scanners reach loopback targets.
/// </summary>
public sealed partial class ProcessSandbox
{
    /// <summary>The search path every process gets.</summary>
    public const string SearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // Files under /etc that hold secrets: inside the sandbox each is an empty file or an empty directory.
    private static readonly string[] EtcSecrets =
    [
        "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers", "/etc/sudoers.d",
        "/etc/ssl/private", "/etc/ssh", "/etc/machine-id", "/etc/postgresql",
    ];

    private static readonly string[] SystemDirectories = ["/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"];

    private readonly ProcessSandboxOptions options;
    private readonly Lazy<RunnerAccount?> account;

    /// <summary>Creates a sandbox with <paramref name="options"/>.</summary>
    public ProcessSandbox(ProcessSandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        account = new Lazy<RunnerAccount?>(() => Environment.IsPrivilegedProcess ? RunnerAccount.Find(options.RunAsUser) ?? RunnerAccount.Find("nobody") : null);
    }

    /// <summary>The sandbox with default options: what a context that names no sandbox uses.</summary>
    public static ProcessSandbox Default { get; } = new(new ProcessSandboxOptions());

    /// <summary>True when processes run inside bubblewrap.</summary>
    public bool UsesBubblewrap => options.UseBubblewrap && OperatingSystem.IsLinux() && File.Exists(options.BubblewrapPath);

    /// <summary>The user processes run as, or null for the host's own user.</summary>
    public string? RunAsUser => account.Value?.Name;

    private string WorkRoot => string.IsNullOrEmpty(options.WorkRoot) ? Path.Combine(Path.GetTempPath(), "shipsec-work") : options.WorkRoot;

    /// <summary>
    /// Creates the process's own directory and the start information that runs <paramref name="start"/> in
    /// it; dispose the result to remove the directory.
    /// </summary>
    internal SandboxedProcess Prepare(ExternalProcessStart start, string? traceParent)
    {
        var runner = account.Value;
        var directory = CreateOwnDirectory(runner);
        try
        {
            var workingDirectory = string.IsNullOrEmpty(start.WorkingDirectory) ? directory : Path.GetFullPath(start.WorkingDirectory);
            var program = Resolve(start.FileName, workingDirectory);
            var info = new ProcessStartInfo
            {
                UseShellExecute = false,
                CreateNoWindow = true,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
                WorkingDirectory = workingDirectory,
            };
            if (runner is not null)
            {
                info.UserName = runner.Name;
            }

            if (UsesBubblewrap)
            {
                info.FileName = options.BubblewrapPath;
                foreach (var argument in BubblewrapArguments(directory, start.WorkingDirectory is { Length: > 0 } ? workingDirectory : null))
                {
                    info.ArgumentList.Add(argument);
                }

                info.ArgumentList.Add("--");
                info.ArgumentList.Add(program);
            }
            else
            {
                info.FileName = program;
            }

            foreach (var argument in start.Arguments)
            {
                info.ArgumentList.Add(argument);
            }

            // Nothing of the host's environment (its API key, connection strings, cloud credentials) is inherited.
            info.Environment.Clear();
            info.Environment["PATH"] = SearchPath;
            info.Environment["HOME"] = directory;
            info.Environment["TMPDIR"] = directory;
            info.Environment["LANG"] = "C.UTF-8";
            if (traceParent is not null)
            {
                info.Environment["TRACEPARENT"] = traceParent;
            }

            foreach (var (name, value) in start.Environment)
            {
                if (value is null)
                {
                    info.Environment.Remove(name);
                }
                else
                {
                    info.Environment[name] = value;
                }
            }

            return new SandboxedProcess(info, directory);
        }
        catch
        {
            RemoveDirectory(directory);
            throw;
        }
    }

    // The program is found on the process's own search path (not the host's), before anything starts, so a
    // missing program is an error naming it rather than an exit code from inside the sandbox.
    private static string Resolve(string fileName, string workingDirectory)
    {
        if (fileName.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(fileName, workingDirectory);
            return File.Exists(path) ? path : throw new InvalidOperationException($"Could not start '{fileName}': no such file.");
        }

        foreach (var directory in SearchPath.Split(':'))
        {
            var path = Path.Combine(directory, fileName);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"Could not start '{fileName}': not found on {SearchPath}.");
    }

    private string CreateOwnDirectory(RunnerAccount? runner)
    {
        var root = WorkRoot;

        // Search-only for others: a runner can enter its own directory but cannot list the others'.
        CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var directory = Path.Combine(root, Guid.NewGuid().ToString("N"));
        CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (runner is not null && Chown(directory, runner.UserId, runner.GroupId) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            RemoveDirectory(directory);
            throw new InvalidOperationException($"Could not give {directory} to {runner.Name} (errno {error}).");
        }

        return directory;
    }

    private static void CreateDirectory(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, mode);
        }
    }

    private static IEnumerable<string> BubblewrapArguments(string directory, string? extraDirectory)
    {
        // No --die-with-parent: its PR_SET_PDEATHSIG follows the forking *thread*, and .NET forks from pool
        // threads that may retire mid-run, which killed healthy processes (exit 137). Cancellation and node
        // ends kill the whole tree instead.
        string[] arguments =
        [
            "--new-session", "--unshare-all", "--share-net",
            "--ro-bind", "/usr", "/usr",
            "--ro-bind", "/etc", "/etc",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--bind", directory, directory,
        ];
        foreach (var argument in arguments)
        {
            yield return argument;
        }

        foreach (var path in SystemDirectories)
        {
            var link = new FileInfo(path).LinkTarget ?? new DirectoryInfo(path).LinkTarget;
            if (link is not null)
            {
                yield return "--symlink";
                yield return link;
                yield return path;
            }
            else if (Directory.Exists(path))
            {
                yield return "--ro-bind";
                yield return path;
                yield return path;
            }
        }

        foreach (var secret in EtcSecrets)
        {
            if (Directory.Exists(secret))
            {
                yield return "--tmpfs";
                yield return secret;
            }
            else if (File.Exists(secret))
            {
                yield return "--ro-bind";
                yield return "/dev/null";
                yield return secret;
            }
        }

        if (extraDirectory is not null)
        {
            yield return "--bind";
            yield return extraDirectory;
            yield return extraDirectory;
        }

        yield return "--chdir";
        yield return extraDirectory ?? directory;
    }

    internal static void RemoveDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A straggler still writing (a daemonised grandchild) must not fail the node; the next clean-up of
            // the work root is the operator's.
        }
        catch (UnauthorizedAccessException)
        {
            // The process made a subdirectory it cannot be removed from (chmod 000): same as above.
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);

    /// <summary>A local account read from /etc/passwd.</summary>
    private sealed record RunnerAccount(string Name, uint UserId, uint GroupId)
    {
        public static RunnerAccount? Find(string name)
        {
            if (!File.Exists("/etc/passwd"))
            {
                return null;
            }

            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length >= 4 && fields[0] == name
                    && uint.TryParse(fields[2], System.Globalization.CultureInfo.InvariantCulture, out var uid)
                    && uint.TryParse(fields[3], System.Globalization.CultureInfo.InvariantCulture, out var gid) && uid != 0)
                {
                    return new RunnerAccount(name, uid, gid);
                }
            }

            return null;
        }
    }
}

/// <summary>A prepared process and its own directory, removed on dispose.</summary>
internal sealed class SandboxedProcess(ProcessStartInfo startInfo, string directory) : IDisposable
{
    public ProcessStartInfo StartInfo => startInfo;

    public string Directory => directory;

    public void Dispose() => ProcessSandbox.RemoveDirectory(directory);
}
