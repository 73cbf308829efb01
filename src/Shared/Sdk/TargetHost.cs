using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ShipSec.Shared.Sdk;

/// <summary>What a host target is.</summary>
public enum TargetHostKind
{
    /// <summary>One IPv4 or IPv6 address.</summary>
    Address,

    /// <summary>A CIDR network such as <c>127.0.0.0/8</c>.</summary>
    Network,

    /// <summary>A DNS name.</summary>
    Name,
}

/// <summary>A host as a workflow input of type <c>host</c> or a scanner's target: a name, an address or a CIDR network.</summary>
public sealed record TargetHost
{
    private TargetHost(string text, TargetHostKind kind, IPAddress? address, int prefixLength)
    {
        Text = text;
        Kind = kind;
        Address = address;
        PrefixLength = prefixLength;
    }

    /// <summary>The host as written (trimmed; a name lowercased).</summary>
    public string Text { get; }

    /// <summary>Name, address or network.</summary>
    public TargetHostKind Kind { get; }

    /// <summary>The address, or the network's first address; null for a name.</summary>
    public IPAddress? Address { get; }

    /// <summary>The network's prefix length; the full length for an address.</summary>
    public int PrefixLength { get; }

    /// <summary>Parses a host; false for anything that is not a DNS name, an address or a CIDR network.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out TargetHost? host)
    {
        host = null;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 253)
        {
            return false;
        }

        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!IPAddress.TryParse(trimmed[..slash], out var network)
                || !int.TryParse(trimmed[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
                || prefix > Bits(network))
            {
                return false;
            }

            host = new TargetHost(trimmed, TargetHostKind.Network, Mask(network, prefix), prefix);
            return true;
        }

        var unbracketed = trimmed.StartsWith('[') && trimmed.EndsWith(']') ? trimmed[1..^1] : trimmed;
        if (IPAddress.TryParse(unbracketed, out var address) && (address.AddressFamily == AddressFamily.InterNetworkV6 || IsDottedQuad(unbracketed)))
        {
            host = new TargetHost(unbracketed, TargetHostKind.Address, address, Bits(address));
            return true;
        }

        if (IsDnsName(trimmed))
        {
            host = new TargetHost(trimmed.TrimEnd('.').ToLowerInvariant(), TargetHostKind.Name, null, 0);
            return true;
        }

        return false;
    }

    /// <summary>True when <paramref name="address"/> lies in this network (or is this address).</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (Address is null)
        {
            return false;
        }

        var candidate = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return candidate.AddressFamily == Address.AddressFamily && Mask(candidate, PrefixLength).Equals(Address);
    }

    /// <summary>True when the whole of <paramref name="other"/> (an address or network) lies in this network.</summary>
    public bool Covers(TargetHost other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Address is { } address && other.PrefixLength >= PrefixLength && Contains(address);
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static int Bits(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    // IPAddress.TryParse accepts "1" or "127.1" as IPv4; a host input means four parts or a name.
    private static bool IsDottedQuad(string text) => text.Count(c => c == '.') == 3 && text.All(c => char.IsAsciiDigit(c) || c == '.');

    private static bool IsDnsName(string text)
    {
        var name = text.EndsWith('.') ? text[..^1] : text;
        if (name.Length == 0 || name.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-')
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
