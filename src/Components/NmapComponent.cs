using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components;

/// <summary>
/// <c>security.nmap</c>: an nmap TCP connect scan (no root needed), with optional service/version detection.
/// nmap writes its XML to stdout; its <c>&lt;taskprogress&gt;</c> lines (<c>--stats-every</c>) become NODE_PROGRESS
/// while it runs. Open ports are outputs and <c>network.open-port</c> findings; the XML is stored as nmap.xml.
/// </summary>
public sealed class NmapComponent(TargetScope scope) : IComponent
{
    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "security.nmap";

    /// <summary>The rule of an open port.</summary>
    public const string OpenPortRule = "network.open-port";

    private static readonly IntegerRange ProgressIntervalMs = new(100, 60_000);

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "Runs nmap (TCP connect scan) against a host or CIDR in scope and reports open ports and services as outputs and findings.",
        [
            new("host", ComponentValueType.String, true, "Host name, IP address or CIDR network to scan (must be in Scope:Allowed)."),
            new("ports", ComponentValueType.Any, true, "Ports and ranges, such as \"1-1024\" or \"22,80,8000-8100\", or one port."),
            new("serviceDetection", ComponentValueType.Boolean, false, "Probe open ports for service and version (-sV); default false."),
            new("progressIntervalMs", ComponentValueType.Integer, false, "How often nmap reports progress, in milliseconds (100-60000, default 1000).", Rule: ProgressIntervalMs),
        ],
        [
            new("hosts", ComponentValueType.Array, "Hosts found up: address and their open ports."),
            new("openPorts", ComponentValueType.Array, "Open TCP ports of every host, ascending and distinct."),
            new("services", ComponentValueType.Array, "One entry per open port: host, port, protocol, service, product, version."),
            new("host", ComponentValueType.String, "The host as given."),
        ]);

    /// <inheritdoc />
    public async Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var inputs = context.Inputs;
        var host = inputs.Get<string>("host").Trim();
        var ports = PortsText(inputs.Get<JsonElement>("ports"));
        var serviceDetection = inputs.GetOrDefault("serviceDetection", false);
        var intervalMs = ProgressIntervalMs.Require(inputs.GetOrDefault("progressIntervalMs", 1000), "progressIntervalMs");
        var nmap = ExternalTool.Find("nmap", "nmap");
        var target = await scope.ResolveAsync(host, "host", context.CancellationToken).ConfigureAwait(false);

        // nmap scans exactly what the scope checked: the resolved addresses (-n: it resolves nothing itself).
        string[] targets = target.Host.Kind == TargetHostKind.Network ? [target.Host.Text] : [.. target.Addresses.Select(a => a.ToString()).Distinct()];
        List<string> arguments = ["-sT", "-Pn", "-n", "-T4", "-p", ports, "--stats-every", $"{intervalMs}ms", "-oX", "-"];
        if (serviceDetection)
        {
            arguments.Add("-sV");
        }

        arguments.AddRange(targets);
        context.Log(TraceEventLevel.Info, $"nmap {string.Join(' ', arguments)}");
        context.Progress(0, 100, "nmap started");

        var xml = new StringBuilder();
        var result = await ExternalProcess.RunAsync(context, new ExternalProcessStart
        {
            FileName = nmap,
            Arguments = arguments,
            StandardOutputLine = line =>
            {
                if (line.StartsWith("<taskprogress", StringComparison.Ordinal))
                {
                    ReportProgress(context, line);
                }
                else
                {
                    xml.AppendLine(line);
                }

                return false;
            },
        }).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new ProcessExitCodeException($"nmap exited with code {result.ExitCode}: {string.Join(" | ", result.LastLines.TakeLast(5))}");
        }

        var document = XDocument.Parse(xml.ToString());
        using (var stream = new MemoryStream())
        {
            using (var writer = System.Xml.XmlWriter.Create(stream, new System.Xml.XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
            {
                WithoutTiming(document).Save(writer);
            }

            stream.Position = 0;
            await context.EmitArtifactAsync("nmap.xml", "application/xml", stream, context.CancellationToken).ConfigureAwait(false);
        }

        var hosts = new List<NmapHost>();
        var services = new List<NmapService>();
        foreach (var hostElement in document.Root?.Elements("host") ?? [])
        {
            var address = hostElement.Elements("address").FirstOrDefault(a => (string?)a.Attribute("addrtype") is "ipv4" or "ipv6")?.Attribute("addr")?.Value;
            if (address is null || (string?)hostElement.Element("status")?.Attribute("state") != "up")
            {
                continue;
            }

            var open = new List<int>();
            foreach (var port in hostElement.Element("ports")?.Elements("port") ?? [])
            {
                if ((string?)port.Element("state")?.Attribute("state") != "open")
                {
                    continue;
                }

                var number = int.Parse(port.Attribute("portid")!.Value, CultureInfo.InvariantCulture);
                var service = port.Element("service");
                var entry = new NmapService(
                    address, number, port.Attribute("protocol")?.Value ?? "tcp",
                    (string?)service?.Attribute("name"), (string?)service?.Attribute("product"), (string?)service?.Attribute("version"));
                open.Add(number);
                services.Add(entry);
                context.Log(TraceEventLevel.Info, $"Open: {address}:{number}/{entry.Protocol} {entry.Service} {entry.Product} {entry.Version}".TrimEnd());
                context.ReportFinding(
                    OpenPortRule,
                    $"Open port {number}/{entry.Protocol}" + (entry.Service is null ? string.Empty : $" ({entry.Service})"),
                    FindingSeverity.Info,
                    new FindingAsset(address, number, entry.Protocol),
                    string.Join(' ', new[] { entry.Service, entry.Product, entry.Version }.Where(s => !string.IsNullOrEmpty(s))),
                    JsonSerializer.SerializeToElement(entry, Shared.Json.ShipSecJson.Options));
            }

            hosts.Add(new NmapHost(address, [.. open.Order()]));
        }

        var openPorts = services.Select(s => s.Port).Distinct().Order().ToArray();
        context.Progress(100, 100, $"{services.Count} open port(s) on {hosts.Count} host(s)");
        context.Log(TraceEventLevel.Info, $"nmap found {services.Count} open port(s) on {hosts.Count} host(s): {string.Join(", ", openPorts)}");
        return new ComponentOutputs().With("hosts", hosts).With("openPorts", openPorts).With("services", services).With("host", host);
    }

    /// <summary>The ports input as nmap's -p argument, checked by the one port-spec rule.</summary>
    private static string PortsText(JsonElement ports)
    {
        var text = ports.ValueKind switch
        {
            JsonValueKind.Number when ports.TryGetInt32(out var port) => port.ToString(CultureInfo.InvariantCulture),
            JsonValueKind.String => ports.GetString()!,
            JsonValueKind.Array => string.Join(',', ports.EnumerateArray().Select(p => p.ToString())),
            _ => throw new ComponentInputException("ports", "must be a port list such as \"22,80,8000-8100\""),
        };
        return string.Join(',', PortSpec.Parse(text, "ports").ToRanges());
    }

    private static void ReportProgress(IComponentContext context, string line)
    {
        var element = XElement.Parse(line);
        if (double.TryParse((string?)element.Attribute("percent"), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent))
        {
            var current = (long)Math.Clamp(Math.Floor(percent), 0, 99);
            context.Progress(current, 100, $"{(string?)element.Attribute("task")} {percent.ToString("0.#", CultureInfo.InvariantCulture)}%");
        }
    }

    /// <summary>
    /// nmap's XML without its clock: start and end times, elapsed time, round-trip timings, task progress and the
    /// comments that date the scan. An
    /// unchanged target then yields the same nmap.xml, byte for byte, and the run diff (which compares artifacts
    /// by SHA-256) calls two scans of it identical; what the scan found is all still there.
    /// </summary>
    internal static XDocument WithoutTiming(XDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        string[] clockAttributes = ["start", "startstr", "starttime", "endtime", "time", "timestr", "elapsed", "summary"];
        string[] clockElements = ["times", "taskbegin", "taskend", "taskprogress"];
        // The comments say when the scan was initiated; nothing else is in them.
        document.DescendantNodes().OfType<XComment>().Remove();
        document.Descendants().Where(e => clockElements.Contains(e.Name.LocalName)).Remove();
        foreach (var element in document.Descendants())
        {
            element.Attributes().Where(a => clockAttributes.Contains(a.Name.LocalName)).Remove();
        }

        return document;
    }
}

/// <summary>A host nmap found up, with its open ports.</summary>
public sealed record NmapHost(string Address, IReadOnlyList<int> OpenPorts);

/// <summary>One open port nmap found.</summary>
public sealed record NmapService(string Host, int Port, string Protocol, string? Service, string? Product, string? Version);
