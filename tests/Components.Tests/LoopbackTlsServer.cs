using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ShipSec.Components.Tests;

/// <summary>
/// An <c>openssl s_server</c> on 127.0.0.1 with a fresh self-signed certificate (CN=<see cref="CommonName"/>),
/// started by the test and killed on dispose: the TLS target of the scanner tests.
/// </summary>
public sealed class LoopbackTlsServer : IAsyncDisposable
{
    public const string CommonName = "shipsec-test.invalid";

    private readonly Process process;
    private readonly string directory;

    private LoopbackTlsServer(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<LoopbackTlsServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("shipsec-tls-").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={CommonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());

        var port = FreePort();
        var info = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "s_server", "-accept", $"127.0.0.1:{port}", "-cert", certPath, "-key", keyPath, "-www", "-quiet" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new LoopbackTlsServer(process, directory, port);
        await Eventually.TrueAsync(() => Accepts(port) || process.HasExited, $"openssl s_server listening on 127.0.0.1:{port}");
        Assert.False(process.HasExited, "openssl s_server exited at start");
        return server;
    }

    /// <summary>A port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Accepts(int port)
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

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
