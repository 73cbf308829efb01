using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components;

/// <summary><c>security.port-scan</c>: a TCP connect scan of one host over a port list, with bounded concurrency.</summary>
public sealed class PortScanComponent(TargetScope scope) : IComponent
{
    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "security.port-scan";

    private static readonly IntegerRange Concurrency = new(1, 1024);
    private static readonly IntegerRange TimeoutMs = new(1, 60_000);

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "TCP connect scan of a host: reports every port that accepts a connection.",
        [
            new("host", ComponentValueType.String, true, "Host name or IP address to scan."),
            new("ports", ComponentValueType.String, true, "Ports and ranges, such as \"1-1024\" or \"22,80,8000-8100\".", Rule: PortSpec.Rule),
            new("concurrency", ComponentValueType.Integer, false, "Connections attempted at once (1-1024, default 64).", Rule: Concurrency),
            new("timeoutMs", ComponentValueType.Integer, false, "Connect timeout per port in milliseconds (1-60000, default 300).", Rule: TimeoutMs),
        ],
        [
            new("openPorts", ComponentValueType.Array, "Open ports, ascending."),
            new("host", ComponentValueType.String, "The host scanned."),
        ]);

    /// <inheritdoc />
    public async Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var inputs = context.Inputs;
        var host = inputs.Get<string>("host").Trim();
        var ports = PortSpec.Parse(inputs.Get<string>("ports"), "ports");
        var concurrency = Concurrency.Require(inputs.GetOrDefault("concurrency", 64), "concurrency");
        var timeoutMs = TimeoutMs.Require(inputs.GetOrDefault("timeoutMs", 300), "timeoutMs");
        var cancellationToken = context.CancellationToken;

        var target = await scope.ResolveAsync(host, "host", cancellationToken).ConfigureAwait(false);
        var address = target.Addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? (target.Addresses.Count > 0 ? target.Addresses[0] : null)
            ?? throw new ComponentInputException("host", $"'{host}' is a network; give one host (security.nmap scans networks)");
        context.Log(TraceEventLevel.Info,
            $"Scanning {ports.Count} TCP ports on {host} ({address}), {concurrency} at a time, {timeoutMs} ms timeout");

        var open = new ConcurrentBag<int>();
        var progress = new ThrottledProgress(context, ports.Count);
        await Parallel.ForEachAsync(
            ports,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (port, token) =>
            {
                if (await IsOpenAsync(address, port, timeoutMs, token).ConfigureAwait(false))
                {
                    open.Add(port);
                    context.Log(TraceEventLevel.Info, $"Open: {host}:{port}/tcp");
                    context.ReportFinding(NmapComponent.OpenPortRule, $"Open port {port}/tcp", FindingSeverity.Info,
                        new FindingAsset(address.ToString(), port, "tcp"), $"{host}:{port} accepted a TCP connection");
                }

                progress.Advance();
            }).ConfigureAwait(false);

        var openPorts = open.Order().ToArray();
        progress.Complete($"{openPorts.Length} open");
        context.Log(TraceEventLevel.Info, openPorts.Length == 0
            ? $"No open ports among {ports.Count} on {host}"
            : $"{openPorts.Length} open of {ports.Count} on {host}: {string.Join(", ", openPorts)}");

        return new ComponentOutputs().With("openPorts", openPorts).With("host", host);
    }

    private static async Task<bool> IsOpenAsync(IPAddress address, int port, int timeoutMs, CancellationToken cancellationToken)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timeoutMs);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: filtered or silently dropped, which a connect scan counts as not open.
            return false;
        }
    }
}
