using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace ShipSec.Functions.Http;

/// <summary>
/// What every request must satisfy before anything reads it: a Host this deployment answers to (the
/// standard <c>AllowedHosts</c> setting, so a forged <c>Host</c> cannot steer generated URLs), a target of
/// sane length, and path segments and query values that are UTF-8 text without NUL (PostgreSQL rejects NUL,
/// and a replacement character silently changes the id asked for). Each refusal is problem details naming
/// the part at fault.
/// </summary>
public sealed class RequestTargetRules
{
    /// <summary>The longest request target (path and query) accepted; the host's own limit is set above it so this one answers first.</summary>
    public const int MaxTargetLength = 8 * 1024;

    /// <summary>The configuration key ASP.NET Core uses for host filtering; <c>*</c> or absent allows any host.</summary>
    public const string AllowedHostsKey = "AllowedHosts";

    private readonly StringSegment[] allowedHosts;

    /// <summary>Reads <see cref="AllowedHostsKey"/> (semicolon-separated host names, <c>*.example.com</c> wildcards allowed).</summary>
    public RequestTargetRules(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var hosts = (configuration[AllowedHostsKey] ?? "*").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        allowedHosts = hosts.Contains("*") || hosts.Length == 0 ? [] : [.. hosts.Select(h => new StringSegment(h))];
    }

    /// <summary>
    /// The problem with <paramref name="context"/>'s request, or null. <paramref name="routePattern"/> (such as
    /// <c>/api/workflows/runs/{runId}/status</c>) lets a bad path segment be named by its route parameter.
    /// </summary>
    public ObjectResult? Check(HttpContext context, string? routePattern = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (allowedHosts.Length > 0 && !HostString.MatchesAny(new StringSegment(request.Host.Host), allowedHosts))
        {
            return Problems.HostNotAllowed(request.Host.Value ?? "");
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            ? raw
            : request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        if (target.Length > MaxTargetLength)
        {
            return Problems.TargetTooLong(target.Length, MaxTargetLength);
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var segments = path.Split('/');
        var patternSegments = routePattern?.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (Fault(segments[i], plusIsSpace: false) is { } fault)
            {
                var name = patternSegments is not null && i < patternSegments.Length && patternSegments[i] is ['{', .. var inner, '}']
                    ? inner.TrimStart('*').Split(':', '=', '?')[0]
                    : "path";
                return Problems.InvalidText(name, fault);
            }
        }

        if (question >= 0)
        {
            foreach (var pair in target[(question + 1)..].Split('&'))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var rawName = equals < 0 ? pair : pair[..equals];
                var nameFault = Fault(rawName, plusIsSpace: true);
                var valueFault = equals < 0 ? null : Fault(pair[(equals + 1)..], plusIsSpace: true);
                if ((nameFault ?? valueFault) is { } fault)
                {
                    // A parameter whose very name is bad cannot be named by it.
                    return Problems.InvalidText(nameFault is null ? $"?{Uri.UnescapeDataString(rawName.Replace('+', ' '))}" : "query", fault);
                }
            }
        }

        return null;
    }

    /// <summary>Why the percent-encoded <paramref name="component"/> is not acceptable text, or null.</summary>
    internal static string? Fault(string component, bool plusIsSpace)
    {
        if (component.Length == 0)
        {
            return null;
        }

        var bytes = new List<byte>(component.Length);
        Span<byte> encoded = stackalloc byte[4];
        for (var i = 0; i < component.Length; i++)
        {
            var c = component[i];
            if (c == '%' && i + 2 < component.Length && IsHex(component[i + 1]) && IsHex(component[i + 2]))
            {
                bytes.Add((byte)((HexValue(component[i + 1]) << 4) | HexValue(component[i + 2])));
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else if (c == '\uFFFD' || char.IsSurrogate(c))
            {
                // The server already met bytes that were not UTF-8 here.
                return "is not valid UTF-8";
            }
            else
            {
                var written = System.Text.Encoding.UTF8.GetBytes([c], encoded);
                bytes.AddRange(encoded[..written]);
            }
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        if (span.Contains((byte)0))
        {
            return "contains a NUL character (%00)";
        }

        return Utf8.IsValid(span) ? null : "is not valid UTF-8";
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
