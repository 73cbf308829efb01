using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace ShipSec.Shared.Sdk;

/// <summary>What network-touching components may reach: the deployment-wide <c>Scope</c> section.</summary>
public sealed class ScopeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Scope";

    /// <summary>
    /// Allowed targets: CIDR networks (<c>10.0.0.0/24</c>), addresses, host names (<c>app.example.com</c>) and
    /// domains (<c>*.example.com</c> or <c>.example.com</c>: the domain and every name under it). Empty means
    /// the local default, loopback only (<see cref="TargetScope.Loopback"/>).
    /// </summary>
    [Required]
    public IList<string> Allowed { get; } = [];
}

/// <summary>A target a component may touch, resolved once so that it connects to what was checked.</summary>
/// <param name="Host">The target as given.</param>
/// <param name="Addresses">Its addresses (one for an address; every resolved one for a name; none for a network).</param>
public sealed record ScopedTarget(TargetHost Host, IReadOnlyList<IPAddress> Addresses);

/// <summary>
/// The deployment's scope, enforced by every network-touching component on every target it resolves. A name
/// is allowed when a host or domain entry lists it; otherwise every address it resolves to must lie in an
/// allowed network or address, so a name cannot smuggle an out-of-scope address in. A network target must
/// lie wholly inside an allowed network.
/// </summary>
public sealed class TargetScope
{
    /// <summary>The local default: IPv4 and IPv6 loopback.</summary>
    public static readonly IReadOnlyList<string> Loopback = ["127.0.0.0/8", "::1"];

    private readonly List<TargetHost> networks = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly List<string> domains = [];
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> resolve;

    /// <summary>The scope configured in <see cref="ScopeOptions"/>; throws <see cref="ArgumentException"/> on an entry it cannot read.</summary>
    public TargetScope(ScopeOptions options)
        : this(options?.Allowed ?? throw new ArgumentNullException(nameof(options)), Dns.GetHostAddressesAsync)
    {
    }

    /// <summary>A scope of <paramref name="allowed"/> entries, resolving names with <paramref name="resolve"/>.</summary>
    public TargetScope(IEnumerable<string> allowed, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        this.resolve = resolve ?? throw new ArgumentNullException(nameof(resolve));
        var entries = allowed.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).ToList();
        if (entries.Count == 0)
        {
            entries = [.. Loopback];
        }

        foreach (var entry in entries)
        {
            var domain = entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry.StartsWith('.') ? entry[1..] : null;
            if (domain is not null && TargetHost.TryParse(domain, out var suffix) && suffix.Kind == TargetHostKind.Name)
            {
                domains.Add(suffix.Text);
            }
            else if (domain is null && TargetHost.TryParse(entry, out var host))
            {
                if (host.Kind == TargetHostKind.Name)
                {
                    names.Add(host.Text);
                }
                else
                {
                    networks.Add(host);
                }
            }
            else
            {
                throw new ArgumentException($"Scope:Allowed entry '{entry}' is not a CIDR network, an address, a host name or a domain (*.example.com).", nameof(allowed));
            }
        }

        Description = string.Join(", ", entries);
    }

    /// <summary>The allowed entries, for messages.</summary>
    public string Description { get; }

    /// <summary>True when <paramref name="address"/> lies in an allowed network or is an allowed address.</summary>
    public bool Allows(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return networks.Exists(n => n.Contains(address));
    }

    /// <summary>
    /// Checks <paramref name="target"/> (resolving a name) and returns what to connect to; throws
    /// <see cref="OutOfScopeException"/> naming the target when any part of it is outside the scope, and
    /// <see cref="ComponentInputException"/> for <paramref name="input"/> when it is not a host or does not resolve.
    /// </summary>
    public async Task<ScopedTarget> ResolveAsync(string target, string input, CancellationToken cancellationToken = default)
    {
        if (!TargetHost.TryParse(target, out var host))
        {
            throw new ComponentInputException(input, $"'{target}' is not a host name, an IP address or a CIDR network");
        }

        switch (host.Kind)
        {
            case TargetHostKind.Address:
                return Allows(host.Address!)
                    ? new ScopedTarget(host, [host.Address!])
                    : throw OutOfScope(host, $"{host} is outside the allowed scope ({Description}).");
            case TargetHostKind.Network:
                return networks.Exists(n => n.Covers(host))
                    ? new ScopedTarget(host, [])
                    : throw OutOfScope(host, $"Network {host} is not wholly inside the allowed scope ({Description}).");
            default:
                IPAddress[] addresses;
                try
                {
                    addresses = await resolve(host.Text, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException exception)
                {
                    throw new ComponentInputException(input, $"'{host}' could not be resolved: {exception.Message}");
                }

                if (addresses.Length == 0)
                {
                    throw new ComponentInputException(input, $"'{host}' resolved to no address");
                }

                if (!AllowsName(host.Text) && Array.Find(addresses, a => !Allows(a)) is { } outside)
                {
                    throw OutOfScope(host, $"{host} resolves to {outside}, which is outside the allowed scope ({Description}).");
                }

                return new ScopedTarget(host, addresses);
        }
    }

    /// <summary>The problem with <paramref name="target"/> as a start-time input, or null when it is in scope.</summary>
    public async Task<string?> ProblemWithAsync(string target, CancellationToken cancellationToken = default)
    {
        try
        {
            await ResolveAsync(target, "host", cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (OutOfScopeException exception)
        {
            return exception.Message;
        }
        catch (ComponentInputException exception)
        {
            return exception.Message;
        }
    }

    private bool AllowsName(string name)
        => names.Contains(name) || domains.Exists(d => name == d || name.EndsWith("." + d, StringComparison.Ordinal));

    private static OutOfScopeException OutOfScope(TargetHost host, string message) => new(host.Text, message);
}
