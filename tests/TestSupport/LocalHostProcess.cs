using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ShipSec.TestSupport;

/// <summary>
/// The local host as a separate process (the build output next to the tests), so a test can kill it the
/// hard way and start it again on the same task hub, schema and port.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> environment;
    private Process? process;

    public LocalHostProcess(IReadOnlyDictionary<string, string> settings)
    {
        Port = FreePort();
        environment = new Dictionary<string, string>(settings, StringComparer.Ordinal)
        {
            ["ConnectionStrings__Postgres"] = LocalHostFixture.PostgresConnectionString,
            ["ConnectionStrings__PostgresOwner"] = IsolatedLocalHost.PostgresOwnerConnectionString,
            ["ConnectionStrings__Storage"] = LocalHostFixture.StorageConnectionString,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>
    /// A host on the Azurite backend with a schema, artifact container and task hub of its own (the schema is dropped on
    /// dispose); a dequeued work item of a killed host becomes visible again after 5 s.
    /// </summary>
    public static LocalHostProcess OnAzurite(string taskHubPrefix)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var schema = $"t_{Guid.NewGuid():N}";
        return new LocalHostProcess(new Dictionary<string, string>
        {
            ["Postgres__Schema"] = schema,
            ["Artifacts__Container"] = $"t-{suffix}",
            ["DurableTask__Backend"] = "AzureStorage",
            ["DurableTask__TaskHubName"] = $"{taskHubPrefix}{suffix}",
            ["DurableTask__WorkItemVisibilityTimeoutSeconds"] = "5",
        })
        {
            ownedSchema = schema,
        };
    }

    private string? ownedSchema;

    public int Port { get; }

    public HttpClient Http { get; }

    public int ProcessId => process?.Id ?? 0;

    /// <summary>Starts the host and waits until /api/health answers.</summary>
    public async Task StartAsync(TimeSpan deadline)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ShipSec.LocalHost.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{Port}");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(deadline);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            try
            {
                using var health = await Http.GetAsync(new Uri("api/health", UriKind.Relative), timeout.Token);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.False(process.HasExited, $"The local host exited with code {(process.HasExited ? process.ExitCode : 0)} while starting.");
            try
            {
                await poll.WaitForNextTickAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("The local host did not answer /api/health in time.");
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or an out-of-memory kill.</summary>
    public async Task KillHardAsync()
    {
        process!.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
        process.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        if (ownedSchema is not null)
        {
            await using var connection = new Npgsql.NpgsqlConnection(IsolatedLocalHost.PostgresOwnerConnectionString);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{ownedSchema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
