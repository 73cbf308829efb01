using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ShipSec.TestSupport;

/// <summary>
/// A PostgreSQL cluster of one test's own, made by <c>scripts/services</c> (so with its scram passwords and its
/// owner and app roles) in a temporary data directory on a free port: a test may stop and start it without
/// touching the cluster everyone else uses.
/// </summary>
public sealed class OwnPostgres : IAsyncDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("shipsec-pg-").FullName;

    private OwnPostgres(int port) => Port = port;

    public int Port { get; }

    /// <summary>The app role's connection string (shipsec_app).</summary>
    public string AppConnectionString => ConnectionString("shipsec_app", "postgres-app.password");

    /// <summary>The owner role's connection string (shipsec_owner: migrations).</summary>
    public string OwnerConnectionString => ConnectionString("shipsec_owner", "postgres-owner.password");

    public static async Task<OwnPostgres> StartAsync()
    {
        var postgres = new OwnPostgres(FreePorts.Take());
        await postgres.ServicesAsync("start");
        return postgres;
    }

    /// <summary>Stops the server (fast shutdown: every open connection is ended with 57P01).</summary>
    public Task StopAsync() => ServicesAsync("stop");

    public Task StartAgainAsync() => ServicesAsync("start");

    public async ValueTask DisposeAsync()
    {
        await ServicesAsync("stop");
        Directory.Delete(dataDirectory, recursive: true);
    }

    private string ConnectionString(string user, string passwordFile)
        => $"Host=127.0.0.1;Port={Port};Username={user};Password={File.ReadAllText(Path.Combine(dataDirectory, passwordFile)).Trim()};Database=shipsec";

    private async Task ServicesAsync(string command)
    {
        var start = new ProcessStartInfo(RepositoryPaths.Of("scripts", "services")) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(command);
        start.ArgumentList.Add("postgres");
        start.Environment["SHIPSEC_DATA_DIR"] = dataDirectory;
        start.Environment["SHIPSEC_PG_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, $"scripts/services {command} postgres failed: {await output}{await errors}");
    }
}

/// <summary>An Azurite of one test's own (tools/azurite) on free ports with its own data folder, which the test may stop and start.</summary>
public sealed class OwnAzurite : IAsyncDisposable
{
    private readonly string location = Directory.CreateTempSubdirectory("shipsec-azurite-").FullName;
    private readonly int[] ports = [FreePorts.Take(), FreePorts.Take(), FreePorts.Take()];
    private Process? process;

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + $"BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;";

    public static async Task<OwnAzurite> StartAsync()
    {
        var azurite = new OwnAzurite();
        await azurite.StartAgainAsync();
        return azurite;
    }

    /// <summary>Starts Azurite on the same ports and data, and waits until all three ports answer.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(RepositoryPaths.Of("tools", "azurite", "node_modules", ".bin", "azurite"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", $"{ports[0]}", "--queueHost", "127.0.0.1", "--queuePort", $"{ports[1]}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{ports[2]}", "--location", location,
            "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
        })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!ports.All(IsOpen))
        {
            Assert.False(process.HasExited, "Azurite exited while starting.");
            await poll.WaitForNextTickAsync(deadline.Token);
        }
    }

    /// <summary>Stops Azurite (SIGTERM, so it writes its data out) and waits for its exit.</summary>
    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(deadline.Token);
        }

        process?.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        Directory.Delete(location, recursive: true);
    }

    private static bool IsOpen(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>Free loopback ports, each handed out once per process.</summary>
internal static class FreePorts
{
    public static int Take()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
