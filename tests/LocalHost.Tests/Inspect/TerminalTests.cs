using System.Net;
using System.Text.Json;
using ShipSec.Cli;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Inspect;

/// <summary>A node's terminal: process output keeps its colours and pipe in the trace, and exports as text and asciicast.</summary>
public sealed class TerminalTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private const string Red = "\u001b[31mred\u001b[0m";

    private static readonly string Workflow = JsonSerializer.Serialize(new
    {
        id = "terminal-colours",
        name = "terminal",
        nodes = new object[]
        {
            new
            {
                id = "paint",
                component = "core.exec",
                inputs = new
                {
                    command = "bash",
                    args = new[] { "-c", @"printf '\e[31mred\e[0m\n'; printf '\e[33mwarned\e[0m\n' >&2; sleep 0.3; echo later" },
                },
            },
        },
    });

    [Fact]
    public async Task Colours_stay_raw_in_the_trace_and_the_cast_but_the_console_and_text_see_words()
    {
        var runId = await host.StartRunAsync(Workflow);
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(runId)).Status);

        var trace = await host.GetTraceAsync(runId);
        var red = Assert.Single(trace, e => e.Message == "red");
        Assert.Equal(new TraceOutput(OutputPipe.Stdout, Red), red.Output);
        Assert.Equal(TraceEventLevel.Info, red.Level);
        var warned = Assert.Single(trace, e => e.Message == "warned");
        Assert.Equal(OutputPipe.Stderr, warned.Output?.Stream);
        Assert.Equal(TraceEventLevel.Warn, warned.Level);
        var later = Assert.Single(trace, e => e.Message == "later");
        Assert.Null(later.Output?.Raw);

        var text = await host.Http.GetStringAsync(new Uri($"api/workflows/runs/{runId}/nodes/paint/terminal?format=text", UriKind.Relative));
        Assert.DoesNotContain('\u001b', text);
        Assert.Equal(["later", "red", "warned"], text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.EndsWith("later\n", text, StringComparison.Ordinal);

        using var castResponse = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/nodes/paint/terminal?format=cast", UriKind.Relative));
        Assert.Equal("application/x-asciicast", castResponse.Content.Headers.ContentType?.MediaType);
        var cast = (await castResponse.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var header = JsonDocument.Parse(cast[0]);
        Assert.Equal(2, header.RootElement.GetProperty("version").GetInt32());
        Assert.True(header.RootElement.GetProperty("width").GetInt32() >= 80);
        Assert.True(header.RootElement.GetProperty("height").GetInt32() >= 24);
        Assert.InRange(header.RootElement.GetProperty("timestamp").GetInt64(), red.Timestamp.ToUnixTimeSeconds() - 60, red.Timestamp.ToUnixTimeSeconds());
        var frames = cast.Skip(1).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        Assert.Equal(3, frames.Count);
        Assert.All(frames, f =>
        {
            Assert.Equal(3, f.GetArrayLength());
            Assert.Equal("o", f[1].GetString());
        });
        var times = frames.Select(f => f[0].GetDouble()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Contains(frames, f => f[2].GetString() == Red + "\r\n");
        // The recording keeps the pause the script made before its last line.
        Assert.True(times[^1] - frames.Where(f => f[2].GetString() == Red + "\r\n").Select(f => f[0].GetDouble()).Single() >= 0.2, string.Join(", ", times));
    }

    [Fact]
    public async Task A_bad_format_is_a_400_naming_it_and_an_unknown_node_a_404()
    {
        var runId = await host.StartRunAsync(Workflow);
        await host.WaitForEndAsync(runId);

        using var bad = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/nodes/paint/terminal?format=html", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("format", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var badAttempt = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/nodes/paint/terminal?attempt=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badAttempt.StatusCode);
        Assert.Contains("?attempt", await badAttempt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var missing = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/nodes/nope/terminal", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_cli_prints_the_terminal_as_text()
    {
        var runId = await host.StartRunAsync(Workflow);
        await host.WaitForEndAsync(runId);
        using var output = new StringWriter();

        var exit = await ShipSecCommandLine.InvokeAsync(["--url", host.BaseAddress.ToString(), "--api-key", host.ViewerKey, "node", runId, "paint", "--terminal"], output);

        Assert.Equal(ShipSecCommandLine.Success, exit);
        Assert.Contains("red\n", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output.ToString());
    }
}
