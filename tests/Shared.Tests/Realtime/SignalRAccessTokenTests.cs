using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using ShipSec.Shared.Realtime;

namespace ShipSec.Shared.Tests.Realtime;

/// <summary>Realtime tokens as Azure SignalR Service reads them, and only the exact tokens this service issued.</summary>
public sealed class SignalRAccessTokenTests
{
    private const string Key = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY3ODkw==";
    private const string Audience = "https://example.service.signalr.net/client/?hub=runs";
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static string Issue(string runs = "r1 r2") => SignalRAccessToken.Create(Audience, Key, Now, TimeSpan.FromHours(1), "client-1", runs);

    [Fact]
    public void A_token_carries_the_claims_the_service_reads_and_is_signed_hs256()
    {
        var parts = Issue().Split('.');
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));

        Assert.Equal("HS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal(Audience, claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal(Now.AddHours(1).ToUnixTimeSeconds(), claims.RootElement.GetProperty("exp").GetInt64());
        Assert.Equal(Now.ToUnixTimeSeconds(), claims.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal("client-1", claims.RootElement.GetProperty("nameid").GetString());
    }

    [Fact]
    public void The_issued_token_reads_back_as_its_grant()
    {
        var grant = SignalRAccessToken.ReadGrant(Issue(), Key, Now.AddMinutes(1), Audience);

        Assert.NotNull(grant);
        Assert.Equal("client-1", grant.Subject);
        Assert.Equal(["r1", "r2"], grant.RunIds);
    }

    [Fact]
    public void A_token_spelled_differently_from_the_one_issued_is_refused()
    {
        var token = Issue();
        var signature = token[(token.LastIndexOf('.') + 1)..];

        // A trailing '=' or '==' (padding), and the same MAC with different unused low bits in its last character.
        Assert.Null(SignalRAccessToken.ReadGrant(token + "=", Key, Now, Audience));
        Assert.Null(SignalRAccessToken.ReadGrant(token + "==", Key, Now, Audience));
        // 43 characters carry the 32-byte MAC: the last one's two low bits are unused, so flipping one keeps the MAC.
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        Assert.Equal(43, signature.Length);
        var sibling = Alphabet[Alphabet.IndexOf(signature[^1], StringComparison.Ordinal) ^ 1];
        Assert.Null(SignalRAccessToken.ReadGrant(token[..^1] + sibling, Key, Now, Audience));
    }

    [Fact]
    public void A_token_of_another_key_audience_or_time_is_refused()
    {
        Assert.Null(SignalRAccessToken.ReadGrant(Issue(), Key.Replace('c', 'd'), Now, Audience));
        Assert.Null(SignalRAccessToken.ReadGrant(Issue(), Key, Now, "https://other.service.signalr.net/client/?hub=runs"));
        Assert.Null(SignalRAccessToken.ReadGrant(Issue(), Key, Now.AddHours(2), Audience));
        Assert.Null(SignalRAccessToken.ReadGrant("not.a.token", Key, Now, Audience));

        // The same claims with "alg":"none" and no signature.
        var parts = Issue().Split('.');
        var none = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}"""));
        Assert.Null(SignalRAccessToken.ReadGrant($"{none}.{parts[1]}.", Key, Now, Audience));
    }
}
