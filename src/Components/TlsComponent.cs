using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components;

/// <summary>
/// <c>security.tls</c>: finds which of the given ports speak TLS (one handshake each) and runs <c>sslscan</c>
/// against those: enabled protocol versions, the certificate's subject, issuer and validity, weak ciphers.
/// A self-signed or expired certificate, a deprecated protocol or a weak cipher is a finding.
/// </summary>
public sealed class TlsComponent(TargetScope scope) : IComponent
{
    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "security.tls";

    /// <summary>Rule of a self-signed certificate.</summary>
    public const string SelfSignedRule = "tls.self-signed-certificate";

    /// <summary>Rule of an expired certificate.</summary>
    public const string ExpiredRule = "tls.expired-certificate";

    /// <summary>Rule of a weak cipher offered.</summary>
    public const string WeakCipherRule = "tls.weak-cipher";

    private static readonly IntegerRange Port = new(1, 65535);
    private static readonly IntegerRange TimeoutMs = new(100, 60_000);

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "Checks the TLS ports of a host with sslscan: protocol versions, certificate subject/issuer/expiry and weak settings, as outputs and findings.",
        [
            new("host", ComponentValueType.String, true, "Host name or IP address (must be in Scope:Allowed)."),
            new("ports", ComponentValueType.Any, true, "Ports to check (an array such as a scan's openPorts, a port list string, or one port); ports that do not speak TLS are skipped."),
            new("timeoutMs", ComponentValueType.Integer, false, "Deadline of the TLS handshake that detects a TLS port, in milliseconds (100-60000, default 2000).", Rule: TimeoutMs),
        ],
        [
            new("results", ComponentValueType.Array, "One entry per TLS port: port, protocols enabled, certificate, weak ciphers."),
            new("tlsPorts", ComponentValueType.Array, "The ports that speak TLS."),
        ]);

    /// <inheritdoc />
    public async Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var inputs = context.Inputs;
        var host = inputs.Get<string>("host").Trim();
        var ports = Ports(inputs.Get<JsonElement>("ports"));
        var timeoutMs = TimeoutMs.Require(inputs.GetOrDefault("timeoutMs", 2000), "timeoutMs");
        var sslscan = ExternalTool.Find("sslscan", "sslscan");
        var target = await scope.ResolveAsync(host, "host", context.CancellationToken).ConfigureAwait(false);
        if (target.Addresses.Count == 0)
        {
            throw new ComponentInputException("host", $"'{host}' is a network; give one host");
        }

        var address = target.Addresses[0];
        var results = new List<TlsResult>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            context.Progress(i, ports.Count, $"port {port}");
            if (!await SpeaksTlsAsync(address, port, host, timeoutMs, context.CancellationToken).ConfigureAwait(false))
            {
                context.Log(TraceEventLevel.Info, $"{host}:{port} does not speak TLS; skipped");
                continue;
            }

            var endpoint = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
            List<string> arguments = ["--xml=-", "--no-colour", endpoint];
            if (target.Host.Kind == TargetHostKind.Name)
            {
                arguments.Insert(0, $"--sni-name={target.Host.Text}");
            }

            var xml = new StringBuilder();
            var inXml = false;
            var run = await ExternalProcess.RunAsync(context, new ExternalProcessStart
            {
                FileName = sslscan,
                Arguments = arguments,
                StandardOutputLine = line =>
                {
                    // sslscan writes its XML document to stdout: keep it for parsing, log nothing of it.
                    inXml |= line.StartsWith("<?xml", StringComparison.Ordinal);
                    if (inXml)
                    {
                        xml.AppendLine(line);
                    }

                    return !inXml;
                },
            }).ConfigureAwait(false);
            if (run.ExitCode != 0 || xml.Length == 0)
            {
                throw new ProcessExitCodeException($"sslscan exited with code {run.ExitCode} for {endpoint}: {string.Join(" | ", run.LastLines.TakeLast(5))}");
            }

            var result = Parse(port, XDocument.Parse(xml.ToString()));
            results.Add(result);
            Report(context, address.ToString(), result);
        }

        context.Progress(ports.Count, ports.Count, $"{results.Count} TLS port(s)");
        context.Log(TraceEventLevel.Info, results.Count == 0
            ? $"No TLS port among {ports.Count} on {host}"
            : $"TLS on {host}: {string.Join(", ", results.Select(r => $"{r.Port} ({string.Join("/", r.Protocols)})"))}");
        return new ComponentOutputs().With("results", results).With("tlsPorts", results.Select(r => r.Port).ToArray());
    }

    internal static TlsResult Parse(int port, XDocument document)
    {
        var test = document.Root?.Element("ssltest") ?? throw new InvalidDataException("sslscan wrote no <ssltest> element.");
        var protocols = test.Elements("protocol")
            .Where(p => (string?)p.Attribute("enabled") == "1")
            .Select(p => $"{((string?)p.Attribute("type"))?.ToUpperInvariant()}v{(string?)p.Attribute("version")}")
            .ToList();
        var weak = test.Elements("cipher")
            .Where(c => (string?)c.Attribute("strength") is "weak" or "null" or "anonymous" or "medium")
            .Select(c => $"{(string?)c.Attribute("sslversion")} {(string?)c.Attribute("cipher")} ({(string?)c.Attribute("strength")})")
            .Distinct()
            .ToList();
        var certificate = test.Element("certificates")?.Elements("certificate").FirstOrDefault();
        TlsCertificate? cert = certificate is null ? null : new TlsCertificate(
            certificate.Element("subject")?.Value.Trim(),
            certificate.Element("issuer")?.Value.Trim(),
            Date(certificate.Element("not-valid-before")?.Value),
            Date(certificate.Element("not-valid-after")?.Value),
            certificate.Element("self-signed")?.Value.Trim() == "true",
            certificate.Element("expired")?.Value.Trim() == "true",
            certificate.Element("signature-algorithm")?.Value.Trim(),
            (int?)certificate.Element("pk")?.Attribute("bits"));
        return new TlsResult(port, protocols, cert, weak);
    }

    private static void Report(IComponentContext context, string host, TlsResult result)
    {
        var asset = new FindingAsset(host, result.Port, "tls");
        context.Log(TraceEventLevel.Info, $"{host}:{result.Port} TLS {string.Join(", ", result.Protocols)}; certificate subject {result.Certificate?.Subject}, issuer {result.Certificate?.Issuer}, valid to {result.Certificate?.NotAfter:u}");
        foreach (var protocol in result.Protocols)
        {
            var severity = protocol switch
            {
                "SSLv2" or "SSLv3" => FindingSeverity.High,
                "TLSv1.0" or "TLSv1.1" => FindingSeverity.Medium,
                _ => (FindingSeverity?)null,
            };
            if (severity is { } deprecated)
            {
                context.ReportFinding($"tls.deprecated-protocol.{protocol.ToLowerInvariant()}", $"Deprecated protocol {protocol} enabled", deprecated, asset, $"{protocol} accepted on port {result.Port}");
            }
        }

        if (result.Certificate is { } certificate)
        {
            var evidence = $"subject {certificate.Subject}, issuer {certificate.Issuer}, valid {certificate.NotBefore:u} to {certificate.NotAfter:u}";
            var details = JsonSerializer.SerializeToElement(certificate, Shared.Json.ShipSecJson.Options);
            if (certificate.SelfSigned)
            {
                context.ReportFinding(SelfSignedRule, "Self-signed certificate", FindingSeverity.Medium, asset, evidence, details);
            }

            if (certificate.Expired)
            {
                context.ReportFinding(ExpiredRule, "Expired certificate", FindingSeverity.High, asset, evidence, details);
            }
        }

        if (result.WeakCiphers.Count > 0)
        {
            context.ReportFinding(WeakCipherRule, "Weak ciphers offered", FindingSeverity.Medium, asset, string.Join(", ", result.WeakCiphers.Take(10)));
        }
    }

    private static DateTimeOffset? Date(string? text)
    {
        // sslscan prints OpenSSL's "Nov 30 14:59:16 2026 GMT" (the day padded with a space when it has one digit).
        var cleaned = string.Join(' ', (text ?? string.Empty).Replace("GMT", string.Empty, StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return DateTimeOffset.TryParseExact(cleaned, ["MMM d HH:mm:ss yyyy", "MMM dd HH:mm:ss yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;
    }

    private static List<int> Ports(JsonElement ports) => ports.ValueKind switch
    {
        JsonValueKind.Number when ports.TryGetInt32(out var port) => [Port.Require(port, "ports")],
        JsonValueKind.String => [.. PortSpec.Parse(ports.GetString()!, "ports")],
        JsonValueKind.Array => [.. ports.EnumerateArray().Select(p => p.TryGetInt32(out var port) ? Port.Require(port, "ports")
            : throw new ComponentInputException("ports", "must hold port numbers")).Distinct().Order()],
        _ => throw new ComponentInputException("ports", "must be ports: an array, a port list string or a number"),
    };

    /// <summary>One TLS handshake (any certificate accepted: judging it is sslscan's job) to tell TLS ports from the rest.</summary>
    private static async Task<bool> SpeaksTlsAsync(IPAddress address, int port, string host, int timeoutMs, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeoutMs);
        using var client = new TcpClient(address.AddressFamily);
        try
        {
            await client.ConnectAsync(address, port, deadline.Token).ConfigureAwait(false);
#pragma warning disable CA5359 // Detection only: any certificate must complete the handshake; sslscan judges the certificate after.
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
#pragma warning restore CA5359
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = TargetHost.TryParse(host, out var parsed) && parsed.Kind == TargetHostKind.Name ? parsed.Text : address.ToString(),
            }, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception) when (exception is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }
}

/// <summary>What sslscan found on one TLS port.</summary>
public sealed record TlsResult(int Port, IReadOnlyList<string> Protocols, TlsCertificate? Certificate, IReadOnlyList<string> WeakCiphers);

/// <summary>The certificate a TLS port presented.</summary>
public sealed record TlsCertificate(
    string? Subject, string? Issuer, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter, bool SelfSigned, bool Expired, string? SignatureAlgorithm, int? KeyBits);
