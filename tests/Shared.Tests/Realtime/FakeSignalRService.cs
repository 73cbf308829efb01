using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ShipSec.Shared.Tests.Realtime;

/// <summary>One REST call the fake service received, with what it found when checking it.</summary>
internal sealed record ReceivedCall(string Method, string Url, string Body, JsonElement Claims, string Query = "");

/// <summary>
/// A loopback stand-in for Azure SignalR Service's REST API that checks what the service checks: a bearer
/// HS256 token signed with the access key, whose <c>aud</c> is the request URL without query and whose
/// <c>exp</c> is in the future. It answers 401 otherwise, and records every call it accepted.
/// </summary>
internal sealed class FakeSignalRService : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public FakeSignalRService(string accessKey)
    {
        AccessKey = accessKey;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string AccessKey { get; }

    public int Port { get; }

    /// <summary>What to answer accepted calls with.</summary>
    public HttpStatusCode Answer { get; set; } = HttpStatusCode.Accepted;

    public ConcurrentQueue<ReceivedCall> Calls { get; } = new();

    public ConcurrentQueue<string> Rejections { get; } = new();

    /// <summary>The token's claims when its signature verifies with <paramref name="key"/>; null otherwise.</summary>
    public static JsonElement? VerifiedClaims(string token, string key)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
        if (header.GetProperty("alg").GetString() != "HS256" || header.GetProperty("typ").GetString() != "JWT")
        {
            return null;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        return CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(parts[2]))
            ? JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone()
            : null;
    }

    public void Dispose()
    {
        // Stopping makes the pending GetContextAsync throw, which ends the serving loop.
        _listener.Close();
        _serving.ContinueWith(static _ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(10));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            using var response = context.Response;
            var request = context.Request;
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var url = request.Url!.GetLeftPart(UriPartial.Path);
            var problem = Check(request.Headers["Authorization"], url, out var claims);
            if (problem is not null)
            {
                Rejections.Enqueue(problem);
                response.StatusCode = (int)HttpStatusCode.Unauthorized;
                await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(problem));
                continue;
            }

            Calls.Enqueue(new ReceivedCall(request.HttpMethod, url, body, claims, request.Url.Query));
            response.StatusCode = (int)Answer;
            if (Answer >= HttpStatusCode.BadRequest)
            {
                await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("""{"message":"no such connection"}"""));
            }
        }
    }

    private string? Check(string? authorization, string url, out JsonElement claims)
    {
        claims = default;
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return "missing bearer token";
        }

        if (VerifiedClaims(authorization["Bearer ".Length..], AccessKey) is not { } verified)
        {
            return "bad signature";
        }

        claims = verified;
        if (claims.GetProperty("aud").GetString() != url)
        {
            return $"audience {claims.GetProperty("aud")} is not {url}";
        }

        return claims.GetProperty("exp").GetInt64() <= DateTimeOffset.UtcNow.ToUnixTimeSeconds() ? "expired" : null;
    }
}
