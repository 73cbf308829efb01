using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ShipSec.Shared.Realtime;

/// <summary>
/// HS256 JSON Web Tokens as Azure SignalR Service expects them: signed with the UTF-8 bytes of the access
/// key, <c>aud</c> the exact URL being called (without query), <c>iat</c> and <c>exp</c> in epoch seconds,
/// <c>nameid</c> the user of a client token.
/// </summary>
public static class SignalRAccessToken
{
    private static readonly byte[] Header = Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}""");

    /// <summary>Builds and signs a token for <paramref name="audience"/>, valid from <paramref name="issuedAt"/> for <paramref name="lifetime"/>.</summary>
    public static string Create(string audience, ReadOnlySpan<byte> key, DateTimeOffset issuedAt, TimeSpan lifetime, string? userId = null, string? runs = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(audience);
        using var claims = new MemoryStream();
        using (var writer = new Utf8JsonWriter(claims))
        {
            writer.WriteStartObject();
            writer.WriteString("aud", audience);
            writer.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            writer.WriteNumber("exp", issuedAt.Add(lifetime).ToUnixTimeSeconds());
            if (!string.IsNullOrEmpty(userId))
            {
                writer.WriteString("nameid", userId);
            }

            if (runs is not null)
            {
                writer.WriteString(RunsClaim, runs);
            }

            writer.WriteEndObject();
        }

        var signingInput = Base64Url.EncodeToString(Header) + "." + Base64Url.EncodeToString(claims.ToArray());
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Builds a token signed with an access key string (its UTF-8 bytes are the HMAC key).</summary>
    public static string Create(string audience, string accessKey, DateTimeOffset issuedAt, TimeSpan lifetime, string? userId = null, string? runs = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        return Create(audience, Encoding.UTF8.GetBytes(accessKey), issuedAt, lifetime, userId, runs);
    }

    /// <summary>The claim naming the runs a client token may follow: space-separated run ids, or <c>*</c> for all.</summary>
    public const string RunsClaim = "shipsec_runs";

    /// <summary>
    /// Reads a client token this service signed: null when the signature does not match <paramref name="key"/>,
    /// the token has expired, or it carries no <c>nameid</c> and run list.
    /// </summary>
    public static RealtimeGrant? ReadGrant(string token, ReadOnlySpan<byte> key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(parts[2])))
            {
                return null;
            }

            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var root = claims.RootElement;
            if (!root.TryGetProperty("exp", out var exp) || exp.GetInt64() <= now.ToUnixTimeSeconds()
                || !root.TryGetProperty("nameid", out var subject) || subject.GetString() is not { Length: > 0 } user
                || !root.TryGetProperty(RunsClaim, out var runs) || runs.GetString() is not { } runList)
            {
                return null;
            }

            return new RealtimeGrant(user, runList.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        catch (Exception exception) when (exception is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>As <see cref="ReadGrant(string, ReadOnlySpan{byte}, DateTimeOffset)"/> with an access key string.</summary>
    public static RealtimeGrant? ReadGrant(string token, string accessKey, DateTimeOffset now)
        => ReadGrant(token, Encoding.UTF8.GetBytes(accessKey), now);
}
