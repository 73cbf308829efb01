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
    public static string Create(string audience, ReadOnlySpan<byte> key, DateTimeOffset issuedAt, TimeSpan lifetime, string? userId = null)
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

            writer.WriteEndObject();
        }

        var signingInput = Base64Url.EncodeToString(Header) + "." + Base64Url.EncodeToString(claims.ToArray());
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Builds a token signed with an access key string (its UTF-8 bytes are the HMAC key).</summary>
    public static string Create(string audience, string accessKey, DateTimeOffset issuedAt, TimeSpan lifetime, string? userId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        return Create(audience, Encoding.UTF8.GetBytes(accessKey), issuedAt, lifetime, userId);
    }
}
