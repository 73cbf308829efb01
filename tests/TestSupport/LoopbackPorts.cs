using System.Net;
using System.Net.Sockets;

namespace ShipSec.TestSupport;

/// <summary>Listeners and free ports on 127.0.0.1: the only targets a test may scan or call.</summary>
public static class LoopbackPorts
{
    /// <summary>A started listener on 127.0.0.1 (<paramref name="port"/> 0: any free port).</summary>
    public static TcpListener Listen(int port = 0)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return listener;
    }

    /// <summary>The port <paramref name="listener"/> listens on.</summary>
    public static int Port(this TcpListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A loopback port nothing listens on (the kernel just handed it out and it was let go).</summary>
    public static int Free()
    {
        using var probe = Listen();
        return probe.Port();
    }
}
