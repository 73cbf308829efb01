using System.Buffers;
using System.Text;
using System.Text.Json;
using ShipSec.LocalHost.Endpoints;

namespace ShipSec.LocalHost.Tests;

/// <summary>Only Kestrel's own bodiless refusals are given a problem body; every other response passes as written.</summary>
public sealed class KestrelErrorBodiesTests
{
    private static byte[]? Rewrite(string response) => KestrelErrorBodies.WithProblemBody(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(response)));

    [Fact]
    public void A_kestrel_refusal_gets_a_problem_body_with_a_matching_length()
    {
        var rewritten = Rewrite("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: Sun, 29 Nov 2026 12:00:00 GMT\r\nServer: Kestrel\r\n\r\n");

        Assert.NotNull(rewritten);
        var text = Encoding.UTF8.GetString(rewritten);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = text[(split + 4)..];
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json\r\n", text, StringComparison.Ordinal);
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length: 0", text, StringComparison.Ordinal);
        Assert.Equal(400, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")]
    [InlineData("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")]
    [InlineData("{\"a\":1}HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")]
    public void Other_writes_pass_unchanged(string response) => Assert.Null(Rewrite(response));
}
