using System.Net;
using ShipSec.Shared.Sdk;

namespace ShipSec.Components.Tests;

/// <summary>Scopes for component tests: every test sends traffic to loopback only.</summary>
internal static class TestScopes
{
    /// <summary>The local default: 127.0.0.0/8 and ::1.</summary>
    public static TargetScope Loopback { get; } = new([], Dns.GetHostAddressesAsync);

    /// <summary>Narrowed to 127.0.0.1 alone, so 127.0.0.2 is out of scope.</summary>
    public static TargetScope OnlyLocalhost { get; } = new(["127.0.0.1/32"], Dns.GetHostAddressesAsync);
}
