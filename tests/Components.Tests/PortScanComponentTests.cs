using System.Net;
using System.Net.Sockets;
using ShipSec.Shared.Sdk;

namespace ShipSec.Components.Tests;

public sealed class PortScanComponentTests
{
    [Fact]
    public async Task Finds_exactly_the_listening_port_and_ends_progress_at_total()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;

        // Ports that were just bound and released: closed, and unlikely to be reused within the test.
        var closed = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var released = new TcpListener(IPAddress.Loopback, 0);
            released.Start();
            closed.Add(((IPEndPoint)released.LocalEndpoint).Port);
            released.Stop();
        }

        var context = new RecordingComponentContext(new
        {
            host = "127.0.0.1",
            ports = string.Join(',', closed.Append(open)),
            concurrency = 2,
        });

        var outputs = await new PortScanComponent(TestScopes.Loopback).ExecuteAsync(context);

        Assert.Equal([open], outputs.Read<int[]>("openPorts"));
        Assert.Equal("127.0.0.1", outputs.Read<string>("host"));
        Assert.Contains(context.Logs, l => l.Message.Contains($"127.0.0.1:{open}/tcp", StringComparison.Ordinal));
        var last = context.ProgressReports[^1];
        Assert.Equal((4, 4), (last.Current, last.Total));
    }

    [Fact]
    public async Task Scans_a_range_with_progress_that_never_goes_back()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var first = Math.Max(1, port - 100);
        var last = Math.Min(65535, port + 100);
        var context = new RecordingComponentContext(new { host = "localhost", ports = $"{first}-{last}", concurrency = 32 });

        var outputs = await new PortScanComponent(TestScopes.Loopback).ExecuteAsync(context);

        var openPorts = outputs.Read<int[]>("openPorts");
        Assert.Contains(port, openPorts);
        Assert.Equal(openPorts.Order(), openPorts);
        var total = last - first + 1;
        Assert.All(context.ProgressReports, p => Assert.Equal(total, p.Total));
        Assert.Equal(total, context.ProgressReports[^1].Current);
        Assert.True(context.ProgressReports.Count > 10, "progress is reported as the scan goes, not only at the end");
        var currents = context.ProgressReports.Select(p => p.Current).ToList();
        Assert.Equal(currents.Order(), currents);
    }

    [Theory]
    [InlineData("80-22")]
    [InlineData("http")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("22,,80")]
    public async Task A_bad_port_spec_fails_naming_the_input(string ports)
    {
        var context = new RecordingComponentContext(new { host = "127.0.0.1", ports });

        var error = await Assert.ThrowsAsync<ComponentInputException>(() => new PortScanComponent(TestScopes.Loopback).ExecuteAsync(context));

        Assert.Equal("ports", error.Input);
        Assert.Contains("'ports'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Port_specs_combine_lists_and_ranges_without_duplicates()
        => Assert.Equal([22, 80, 8000, 8001, 8002], PortSpec.Parse(" 22, 80,8000-8002,8001 ", "ports"));
}
