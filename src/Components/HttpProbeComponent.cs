using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components;

/// <summary><c>security.http-probe</c>: one HTTP GET per port (and path) recording what answers.</summary>
public sealed partial class HttpProbeComponent : IComponent, IDisposable
{
    /// <summary>Rule of a URL that answered HTTP.</summary>
    public const string ServiceRule = "http.service";

    /// <summary>Rule of a Server header that names a version.</summary>
    public const string ServerVersionRule = "http.server-version-disclosed";

    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "security.http-probe";

    private const int MaxBodyBytes = 64 * 1024;
    private const int Concurrency = 8;

    private static readonly IntegerRange Port = new(1, 65535);
    private static readonly IntegerRange TimeoutMs = new(1, 60_000);

    private readonly TargetScope scope;
    private readonly HttpClient client;

    /// <summary>A probe that connects only to targets in <paramref name="scope"/>.</summary>
    public HttpProbeComponent(TargetScope scope)
    {
        this.scope = scope ?? throw new ArgumentNullException(nameof(scope));
        // One handler for every probe (connection pooling, no socket exhaustion). No proxy: a probe must reach
        // the target itself, and an environment proxy would turn every loopback probe into the proxy's answer.
        // Every connection (redirects included) resolves its host through the scope and connects to the
        // address that was checked, so neither a redirect nor a DNS answer can lead it out of scope.
        client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 3,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectInScopeAsync,
        })
        {
            // Each probe carries its own deadline.
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestHeaders = { { "User-Agent", "ShipSec-HttpProbe/1.0" } },
        };
    }

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "Sends one HTTP GET to each port and records status, page title, Server header and content type; ports that do not speak HTTP are recorded with an error.",
        [
            new("host", ComponentValueType.String, true, "Host name or IP address."),
            new("ports", ComponentValueType.Array, true, "Ports to probe (integers 1-65535), such as a port scan's openPorts.", Rule: new EachItem(Port)),
            new("timeoutMs", ComponentValueType.Integer, false, "Deadline of each request in milliseconds (1-60000, default 2000).", Rule: TimeoutMs),
            new("paths", ComponentValueType.Array, false, "Paths to request on each port (default [\"/\"])."),
        ],
        [
            new("services", ComponentValueType.Array, "One entry per port and path: port, url, status, title, server, contentType, error."),
        ]);

    /// <inheritdoc />
    public async Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var inputs = context.Inputs;
        var host = inputs.Get<string>("host").Trim();
        var ports = inputs.Get<int[]>("ports");
        foreach (var port in ports)
        {
            _ = Port.Require(port, "ports");
        }

        var timeoutMs = TimeoutMs.Require(inputs.GetOrDefault("timeoutMs", 2000), "timeoutMs");
        var target = await scope.ResolveAsync(host, "host", context.CancellationToken).ConfigureAwait(false);
        var paths = inputs.GetOrDefault<string[]>("paths", ["/"])
            .Select(p => p.StartsWith('/') ? p : "/" + p)
            .ToArray();
        if (paths.Length == 0)
        {
            paths = ["/"];
        }

        var targets = ports.Distinct().Order()
            .SelectMany(port => paths.Select(path => (Port: port, Url: new UriBuilder(Uri.UriSchemeHttp, host, port, path).Uri)))
            .ToArray();
        context.Log(TraceEventLevel.Info, $"Probing {targets.Length} URL(s) on {host}, {timeoutMs} ms each");

        var services = new ProbedService[targets.Length];
        var progress = new ThrottledProgressPerItem(context, targets.Length);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, targets.Length),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = context.CancellationToken },
            async (index, token) =>
            {
                var (port, url) = targets[index];
                var service = await ProbeAsync(port, url, timeoutMs, token).ConfigureAwait(false);
                services[index] = service;
                Report(context, target, service);
                context.Log(service.Error is null ? TraceEventLevel.Info : TraceEventLevel.Warn, Describe(service));
                progress.Advance(url.ToString());
            }).ConfigureAwait(false);

        var answered = services.Count(s => s.Status is not null);
        context.Log(TraceEventLevel.Info, $"{answered} of {services.Length} answered HTTP");
        return new ComponentOutputs().With("services", services);
    }

    /// <inheritdoc />
    public void Dispose() => client.Dispose();

    private async ValueTask<Stream> ConnectInScopeAsync(SocketsHttpConnectionContext connection, CancellationToken cancellationToken)
    {
        var target = await scope.ResolveAsync(connection.DnsEndPoint.Host, "host", cancellationToken).ConfigureAwait(false);
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync([.. target.Addresses], connection.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Report(IComponentContext context, ScopedTarget target, ProbedService service)
    {
        if (service.Status is not { } status)
        {
            return;
        }

        var host = target.Addresses.Count > 0 && target.Host.Kind != TargetHostKind.Name ? target.Addresses[0].ToString() : target.Host.Text;
        var asset = new FindingAsset(host, service.Port, "http", service.Url);
        context.ReportFinding(ServiceRule, $"HTTP service answers {status}", FindingSeverity.Info, asset,
            string.Join(' ', new[] { service.Title is null ? null : $"title \"{service.Title}\"", service.Server is null ? null : $"server {service.Server}" }.Where(s => s is not null)));
        if (service.Server is { } server && server.Any(char.IsAsciiDigit))
        {
            context.ReportFinding(ServerVersionRule, "Server header discloses a version", FindingSeverity.Low, asset, $"Server: {server}");
        }
    }

    private async Task<ProbedService> ProbeAsync(int port, Uri url, int timeoutMs, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeoutMs);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var body = await ReadPrefixAsync(response.Content, deadline.Token).ConfigureAwait(false);
            return new ProbedService
            {
                Port = port,
                Url = url.ToString(),
                Status = (int)response.StatusCode,
                Title = TitleOf(body),
                Server = response.Headers.TryGetValues("Server", out var server) ? string.Join(' ', server) : null,
                ContentType = response.Content.Headers.ContentType?.ToString(),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbedService { Port = port, Url = url.ToString(), Error = $"No HTTP response within {timeoutMs} ms" };
        }
        catch (HttpRequestException exception)
        {
            return new ProbedService { Port = port, Url = url.ToString(), Error = Messages(exception) };
        }
    }

    private static async Task<string> ReadPrefixAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length
                   && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
    }

    /// <summary>The page's <c>&lt;title&gt;</c>, HTML-decoded with whitespace collapsed; null when there is none.</summary>
    internal static string? TitleOf(string html)
    {
        var match = TitlePattern().Match(html);
        if (!match.Success)
        {
            return null;
        }

        var title = Whitespace().Replace(WebUtility.HtmlDecode(match.Groups[1].Value), " ").Trim();
        return title.Length == 0 ? null : title;
    }

    private static string Messages(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (!messages.Contains(current.Message))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(": ", messages);
    }

    private static string Describe(ProbedService service)
        => service.Error is { } error
            ? $"{service.Url} not HTTP: {error}"
            : $"{service.Url} {service.Status}"
              + (service.Title is null ? string.Empty : $" \"{service.Title}\"")
              + (service.Server is null ? string.Empty : $" server={service.Server}")
              + (service.ContentType is null ? string.Empty : $" type={service.ContentType}");

    [GeneratedRegex("<title[^>]*>(.*?)</title\\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TitlePattern();

    [GeneratedRegex("\\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    /// <summary>Progress of one item at a time, reported for each item.</summary>
    private sealed class ThrottledProgressPerItem(IComponentContext context, long total)
    {
        private readonly Lock gate = new();
        private long done;

        public void Advance(string message)
        {
            lock (gate)
            {
                done++;
                context.Progress(done, total, message);
            }
        }
    }
}

/// <summary>What answered on one port and path of an HTTP probe.</summary>
public sealed record ProbedService
{
    /// <summary>The port probed.</summary>
    public required int Port { get; init; }

    /// <summary>The URL requested.</summary>
    public required string Url { get; init; }

    /// <summary>HTTP status code; null when nothing HTTP answered.</summary>
    public int? Status { get; init; }

    /// <summary>The page title.</summary>
    public string? Title { get; init; }

    /// <summary>The Server header.</summary>
    public string? Server { get; init; }

    /// <summary>The Content-Type header.</summary>
    public string? ContentType { get; init; }

    /// <summary>Why the port gave no HTTP answer (refused, timed out, not HTTP).</summary>
    public string? Error { get; init; }
}
