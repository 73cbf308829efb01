using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ShipSec.Shared.Realtime;

/// <summary>
/// HS256 JSON Web Tokens as Azure SignalR Service expects them, created and verified by
/// Microsoft.IdentityModel.JsonWebTokens: signed with the UTF-8 bytes of the access key, <c>aud</c> the exact
/// URL being called (without query), <c>iat</c>/<c>nbf</c>/<c>exp</c> in epoch seconds, <c>nameid</c> the user
/// of a client token. Verification accepts only the canonical compact form: a signature is exactly the
/// base64url of the MAC, so a token altered in its encoding (a trailing <c>=</c>, changed padding bits) is refused.
/// </summary>
public static class SignalRAccessToken
{
    /// <summary>The claim naming the runs a client token may follow: space-separated run ids, or <c>*</c> for all.</summary>
    public const string RunsClaim = "shipsec_runs";

    /// <summary>The claim Azure SignalR Service takes the connection's user id from.</summary>
    public const string UserClaim = "nameid";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Builds and signs a token for <paramref name="audience"/>, valid from <paramref name="issuedAt"/> for <paramref name="lifetime"/>.</summary>
    public static string Create(string audience, ReadOnlySpan<byte> key, DateTimeOffset issuedAt, TimeSpan lifetime, string? userId = null, string? runs = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(audience);
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(userId))
        {
            claims[UserClaim] = userId;
        }

        if (runs is not null)
        {
            claims[RunsClaim] = runs;
        }

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Audience = audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = issuedAt.Add(lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key.ToArray()), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Builds a token signed with an access key string (its UTF-8 bytes are the HMAC key).</summary>
    public static string Create(string audience, string accessKey, DateTimeOffset issuedAt, TimeSpan lifetime, string? userId = null, string? runs = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        return Create(audience, Encoding.UTF8.GetBytes(accessKey), issuedAt, lifetime, userId, runs);
    }

    /// <summary>
    /// Reads a client token this service signed: null when it is not canonical, its signature does not match
    /// <paramref name="key"/>, its audience is not <paramref name="audience"/> (when given), it has expired, or it
    /// carries no <c>nameid</c> and run list.
    /// </summary>
    public static RealtimeGrant? ReadGrant(string token, ReadOnlySpan<byte> key, DateTimeOffset now, string? audience = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!IsCanonical(token))
        {
            return null;
        }

        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(key.ToArray()),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = audience is not null,
            ValidAudience = audience,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) => expires > now.UtcDateTime && (notBefore is null || notBefore <= now.UtcDateTime),
        };

        // Validation is synchronous for a symmetric key held in memory: no metadata to fetch.
        var result = Handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult();
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt
            || !jwt.TryGetPayloadValue<string>(UserClaim, out var user) || string.IsNullOrEmpty(user)
            || !jwt.TryGetPayloadValue<string>(RunsClaim, out var runList) || runList is null)
        {
            return null;
        }

        return new RealtimeGrant(user, runList.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>As <see cref="ReadGrant(string, ReadOnlySpan{byte}, DateTimeOffset, string?)"/> with an access key string.</summary>
    public static RealtimeGrant? ReadGrant(string token, string accessKey, DateTimeOffset now, string? audience = null)
        => ReadGrant(token, Encoding.UTF8.GetBytes(accessKey), now, audience);

    /// <summary>
    /// True when each of the three parts is base64url without padding and decodes to bytes that encode back to
    /// exactly the same text: there is one spelling of every token, the one this class issued.
    /// </summary>
    private static bool IsCanonical(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length == 0 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }

            try
            {
                if (System.Buffers.Text.Base64Url.EncodeToString(System.Buffers.Text.Base64Url.DecodeFromChars(part)) != part)
                {
                    return false;
                }
            }
            catch (FormatException)
            {
                // Not base64url at all, or unused low bits set in its last character.
                return false;
            }
        }

        return true;
    }
}
