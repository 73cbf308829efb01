using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ShipSec.Components.Tests;

public sealed class HttpProbeComponentTests
{
    [Fact]
    public async Task Records_status_title_server_and_content_type_and_non_http_ports_as_errors()
    {
        const string page = "<html><head><title>\n  Tiny &amp; test\n  server </title></head><body>hi</body></html>";
        await using var http = TinyServer.Start(_ =>
            "HTTP/1.1 200 OK\r\nServer: TinyTest/1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
            + $"Content-Length: {Encoding.UTF8.GetByteCount(page)}\r\nConnection: close\r\n\r\n{page}");
        await using var ssh = TinyServer.Start(_ => "SSH-2.0-OpenSSH_9.6\r\n");
        var context = new RecordingComponentContext(new { host = "127.0.0.1", ports = new[] { ssh.Port, http.Port }, timeoutMs = 3000 });

        var services = (await new HttpProbeComponent(TestScopes.Loopback).ExecuteAsync(context)).Read<ProbedService[]>("services");

        var web = Assert.Single(services, s => s.Port == http.Port);
        Assert.Equal(200, web.Status);
        Assert.Equal("Tiny & test server", web.Title);
        Assert.Equal("TinyTest/1.0", web.Server);
        Assert.Equal("text/html; charset=utf-8", web.ContentType);
        Assert.Equal($"http://127.0.0.1:{http.Port}/", web.Url);
        Assert.Null(web.Error);

        var other = Assert.Single(services, s => s.Port == ssh.Port);
        Assert.Null(other.Status);
        Assert.False(string.IsNullOrEmpty(other.Error));

        Assert.Equal((2, 2), (context.ProgressReports[^1].Current, context.ProgressReports[^1].Total));
        Assert.Equal(2, context.ProgressReports.Count);
    }

    [Fact]
    public async Task A_closed_port_is_recorded_as_an_error_not_a_failure()
    {
        int closed;
        using (var released = new TcpListener(IPAddress.Loopback, 0))
        {
            released.Start();
            closed = ((IPEndPoint)released.LocalEndpoint).Port;
        }

        var context = new RecordingComponentContext(new { host = "127.0.0.1", ports = new[] { closed } });

        var service = Assert.Single((await new HttpProbeComponent(TestScopes.Loopback).ExecuteAsync(context)).Read<ProbedService[]>("services"));

        Assert.Null(service.Status);
        Assert.NotNull(service.Error);
    }

    [Fact]
    public async Task Each_path_is_requested_on_each_port()
    {
        await using var http = TinyServer.Start(path =>
            $"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<title>{path}</title>");
        var context = new RecordingComponentContext(new { host = "127.0.0.1", ports = new[] { http.Port }, paths = new[] { "/", "admin" } });

        var services = (await new HttpProbeComponent(TestScopes.Loopback).ExecuteAsync(context)).Read<ProbedService[]>("services");

        Assert.Equal(["/", "/admin"], services.Select(s => s.Title));
    }

    [Theory]
    [InlineData("<TITLE>Plain</TITLE>", "Plain")]
    [InlineData("<title lang=\"en\"> a &lt;b&gt; </title>", "a <b>")]
    [InlineData("<html>no title</html>", null)]
    [InlineData("<title>   </title>", null)]
    public void Titles_are_decoded_and_trimmed(string html, string? title)
        => Assert.Equal(title, HttpProbeComponent.TitleOf(html));

    /// <summary>A loopback TCP server that answers each connection with one canned response (given the request path).</summary>
    private sealed class TinyServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private Task? loop;

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public static TinyServer Start(Func<string, string> respond)
        {
            var server = new TinyServer();
            server.listener.Start();
            server.loop = server.ServeAsync(respond);
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            try
            {
                await loop!;
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }

            stop.Dispose();
        }

        private async Task ServeAsync(Func<string, string> respond)
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        var request = new StringBuilder();
                        var buffer = new byte[4096];
                        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                        deadline.CancelAfter(TimeSpan.FromSeconds(5));
                        try
                        {
                            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                            {
                                var read = await stream.ReadAsync(buffer, deadline.Token);
                                if (read == 0)
                                {
                                    break;
                                }

                                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                            }

                            var path = request.ToString().Split(' ') is [_, var target, ..] ? target : "/";
                            await stream.WriteAsync(Encoding.UTF8.GetBytes(respond(path)), deadline.Token);
                        }
                        catch (Exception exception) when (exception is IOException or OperationCanceledException)
                        {
                            // The probe gave up on this connection first; nothing to answer.
                        }
                    }
                });
            }
        }
    }
}
