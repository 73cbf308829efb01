using System.Net;
using System.Net.Sockets;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components.Tests;

/// <summary>The real scanners (nmap, sslscan) against listeners these tests open on loopback; no other traffic.</summary>
public sealed class ScannerComponentTests
{
    [Fact]
    public async Task Nmap_finds_the_ports_the_test_opened_and_not_others()
    {
        using var first = Listen();
        using var second = Listen();
        var closed = LoopbackTlsServer.FreePort();
        var ports = new[] { Port(first), Port(second) }.Order().ToArray();
        var context = new RecordingComponentContext(new { host = "127.0.0.1", ports = $"{ports[0]},{ports[1]},{closed}" });

        var outputs = await new NmapComponent(TestScopes.Loopback).ExecuteAsync(context);

        Assert.Equal(ports, outputs.Read<int[]>("openPorts"));
        Assert.Equal(ports, context.Findings.Where(f => f.RuleId == NmapComponent.OpenPortRule).Select(f => f.Asset.Port!.Value).Order());
        Assert.All(context.Findings, f => Assert.Equal("127.0.0.1", f.Asset.Host));
        Assert.Contains(context.Artifacts, a => a.Reference.Name == "nmap.xml");
    }

    [Fact]
    public async Task Two_scans_of_an_unchanged_target_store_the_same_nmap_xml_which_still_names_the_open_port()
    {
        using var open = Listen();
        var inputs = new { host = "127.0.0.1", ports = $"{Port(open)},{LoopbackTlsServer.FreePort()}" };
        var first = new RecordingComponentContext(inputs);
        var second = new RecordingComponentContext(inputs);

        await new NmapComponent(TestScopes.Loopback).ExecuteAsync(first);
        await new NmapComponent(TestScopes.Loopback).ExecuteAsync(second);

        var xml = Assert.Single(first.Artifacts, a => a.Reference.Name == "nmap.xml");
        Assert.Equal(xml.Reference.Sha256, Assert.Single(second.Artifacts, a => a.Reference.Name == "nmap.xml").Reference.Sha256);
        var document = System.Xml.Linq.XDocument.Parse(System.Text.Encoding.UTF8.GetString(xml.Content));
        Assert.Contains(document.Descendants("port"), p => (string?)p.Attribute("portid") == Port(open).ToString(System.Globalization.CultureInfo.InvariantCulture)
            && (string?)p.Element("state")?.Attribute("state") == "open");
        Assert.DoesNotContain(document.Descendants(), e => e.Attribute("starttime") is not null || e.Name.LocalName == "times");
    }

    [Fact]
    public async Task Nmap_progress_arrives_while_the_scan_runs()
    {
        var context = new RecordingComponentContext(new { host = "127.0.0.1", ports = "1-65535", progressIntervalMs = 100 });

        var scan = new NmapComponent(TestScopes.Loopback).ExecuteAsync(context);
        await Eventually.TrueAsync(() => context.ProgressReports.Any(p => p.Message?.Contains("Scan", StringComparison.Ordinal) == true) || scan.IsCompleted, "nmap progress");
        var runningWhenReported = !scan.IsCompleted;
        await scan;

        Assert.True(runningWhenReported, "nmap's progress arrived only after the scan ended");
        var progress = context.ProgressReports.First(p => p.Message?.Contains("Scan", StringComparison.Ordinal) == true);
        Assert.InRange(progress.Current, 0, 99);
        Assert.Equal(100, context.ProgressReports[^1].Current);
    }

    [Fact]
    public async Task The_same_open_port_has_the_same_fingerprint_in_two_scans_and_another_port_another()
    {
        using var listener = Listen();
        using var other = Listen();
        var first = new RecordingComponentContext(new { host = "127.0.0.1", ports = Port(listener) });
        var second = new RecordingComponentContext(new { host = "127.0.0.1", ports = Port(listener) });
        var third = new RecordingComponentContext(new { host = "127.0.0.1", ports = Port(other) });

        await new NmapComponent(TestScopes.Loopback).ExecuteAsync(first);
        await new NmapComponent(TestScopes.Loopback).ExecuteAsync(second);
        await new NmapComponent(TestScopes.Loopback).ExecuteAsync(third);

        Assert.Equal(Assert.Single(first.Findings).Fingerprint, Assert.Single(second.Findings).Fingerprint);
        Assert.NotEqual(first.Findings[0].Fingerprint, Assert.Single(third.Findings).Fingerprint);
    }

    [Fact]
    public async Task Nmap_refuses_a_target_outside_the_scope_before_sending_anything()
    {
        var context = new RecordingComponentContext(new { host = "127.0.0.2", ports = "80" });

        var refused = await Assert.ThrowsAsync<OutOfScopeException>(() => new NmapComponent(TestScopes.OnlyLocalhost).ExecuteAsync(context));

        Assert.Equal(OutOfScopeException.FailureKind, refused.Kind);
        Assert.Contains("127.0.0.2", refused.Message, StringComparison.Ordinal);
        Assert.Empty(context.Logs);
    }

    [Fact]
    public async Task A_name_resolving_out_of_scope_is_refused_after_resolution()
    {
        var scope = new TargetScope(["127.0.0.1/32"], (_, _) => Task.FromResult(new[] { IPAddress.Parse("127.0.0.2") }));

        var refused = await Assert.ThrowsAsync<OutOfScopeException>(() => scope.ResolveAsync("rebind.example", "host"));

        Assert.Contains("resolves to 127.0.0.2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_tool_names_its_package()
    {
        var missing = Assert.Throws<ToolMissingException>(() => ExternalTool.Find("shipsec-no-such-scanner", "shipsec-scanner-pkg"));

        Assert.Equal(ToolMissingException.FailureKind, missing.Kind);
        Assert.Contains("apt-get install -y shipsec-scanner-pkg", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_check_reports_the_self_signed_certificate_of_the_test_server()
    {
        await using var server = await LoopbackTlsServer.StartAsync();
        using var plain = Listen();
        var context = new RecordingComponentContext(new { host = "127.0.0.1", ports = new[] { server.Port, Port(plain) } });

        var outputs = await new TlsComponent(TestScopes.Loopback).ExecuteAsync(context);

        Assert.Equal([server.Port], outputs.Read<int[]>("tlsPorts"));
        var result = Assert.Single(outputs.Read<TlsResult[]>("results"));
        Assert.True(result.Certificate!.SelfSigned);
        Assert.Contains(LoopbackTlsServer.CommonName, result.Certificate.Subject, StringComparison.Ordinal);
        Assert.Contains("TLSv1.2", result.Protocols);
        var finding = Assert.Single(context.Findings, f => f.RuleId == TlsComponent.SelfSignedRule);
        Assert.Equal(FindingSeverity.Medium, finding.Severity);
        Assert.Equal(new FindingAsset("127.0.0.1", server.Port, "tls"), finding.Asset);
        Assert.Contains(LoopbackTlsServer.CommonName, finding.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(context.Findings, f => f.RuleId == TlsComponent.ExpiredRule);
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;
}
