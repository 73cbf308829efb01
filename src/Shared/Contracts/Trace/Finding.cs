using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ShipSec.Shared.Trace;

/// <summary>How bad a finding is, lowercase on the wire; ordered from least to most severe.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing, nothing to fix (an open port, a service banner).</summary>
    [JsonStringEnumMemberName("info")] Info,

    /// <summary>A weakness with little impact.</summary>
    [JsonStringEnumMemberName("low")] Low,

    /// <summary>A weakness to fix soon (a self-signed certificate, a deprecated protocol).</summary>
    [JsonStringEnumMemberName("medium")] Medium,

    /// <summary>A weakness to fix now (an expired certificate, SSLv3).</summary>
    [JsonStringEnumMemberName("high")] High,

    /// <summary>Exploitable as it stands.</summary>
    [JsonStringEnumMemberName("critical")] Critical,
}

/// <summary>Where a finding is: a host, and the port, protocol or URL where they apply.</summary>
/// <param name="Host">Host name or address (or CIDR) the finding is about.</param>
/// <param name="Port">The port, when the finding is about a service.</param>
/// <param name="Protocol">Transport or application protocol, such as <c>tcp</c> or <c>https</c>.</param>
/// <param name="Url">The URL, when the finding is about one resource.</param>
public sealed record FindingAsset(string Host, int? Port = null, string? Protocol = null, string? Url = null);

/// <summary>
/// One finding as a component reported it, with the fingerprint the platform computed (see
/// <see cref="FindingFingerprint"/>): the payload of a NODE_FINDING trace event.
/// </summary>
public sealed record Finding
{
    /// <summary>Stable identity across runs: rule id and asset location, never evidence or time.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The rule that fired, such as <c>tls.self-signed-certificate</c>.</summary>
    public required string RuleId { get; init; }

    /// <summary>One line for a person.</summary>
    public required string Title { get; init; }

    /// <summary>How bad it is.</summary>
    public required FindingSeverity Severity { get; init; }

    /// <summary>Where it is.</summary>
    public required FindingAsset Asset { get; init; }

    /// <summary>Short text showing why the rule fired (a banner, a certificate subject).</summary>
    public string? Evidence { get; init; }

    /// <summary>Anything else the component knows, as JSON.</summary>
    public JsonElement? Details { get; init; }
}

/// <summary>The platform's fingerprint of a finding: one rule at one place is one finding, in every run.</summary>
public static class FindingFingerprint
{
    /// <summary>
    /// Hex SHA-256 (first 32 characters) of rule id, host, port, protocol and URL, each trimmed and (except
    /// the URL path) lowercased, joined by a separator no part may hold. Evidence, details, title, severity
    /// and time never enter it, so a changed banner or a re-rated rule stays the same finding.
    /// </summary>
    public static string Of(string ruleId, FindingAsset asset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleId);
        ArgumentNullException.ThrowIfNull(asset);
        var key = string.Join('\u001f',
            ruleId.Trim().ToLowerInvariant(),
            asset.Host.Trim().ToLowerInvariant(),
            asset.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            asset.Protocol?.Trim().ToLowerInvariant() ?? string.Empty,
            asset.Url?.Trim() ?? string.Empty);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }

    /// <summary>The trace level a finding's event carries: info and low are info, medium warn, high and critical error.</summary>
    public static TraceEventLevel LevelOf(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Medium => TraceEventLevel.Warn,
        FindingSeverity.High or FindingSeverity.Critical => TraceEventLevel.Error,
        _ => TraceEventLevel.Info,
    };
}

/// <summary>A finding as a run recorded it: the finding and the event that carried it.</summary>
public sealed record RunFinding
{
    /// <summary>Stable identity across runs.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The rule that fired.</summary>
    public required string RuleId { get; init; }

    /// <summary>One line for a person.</summary>
    public required string Title { get; init; }

    /// <summary>How bad it is.</summary>
    public required FindingSeverity Severity { get; init; }

    /// <summary>Where it is.</summary>
    public required FindingAsset Asset { get; init; }

    /// <summary>Why the rule fired.</summary>
    public string? Evidence { get; init; }

    /// <summary>Further detail.</summary>
    public JsonElement? Details { get; init; }

    /// <summary>The node that reported it.</summary>
    public required string NodeId { get; init; }

    /// <summary>The attempt that reported it.</summary>
    public int Attempt { get; init; }

    /// <summary>The NODE_FINDING event's sequence.</summary>
    public long Sequence { get; init; }

    /// <summary>When it was reported.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The finding carried by a NODE_FINDING event; null for any other event.</summary>
    public static RunFinding? Of(TraceEvent traceEvent)
    {
        ArgumentNullException.ThrowIfNull(traceEvent);
        return traceEvent is { Type: TraceEventType.NodeFinding, Finding: { } finding, NodeId: { } nodeId }
            ? From(finding, nodeId, traceEvent.Attempt, traceEvent.Sequence, traceEvent.Timestamp)
            : null;
    }

    /// <summary><paramref name="finding"/> as reported by <paramref name="nodeId"/> in the event at <paramref name="sequence"/>.</summary>
    public static RunFinding From(Finding finding, string nodeId, int attempt, long sequence, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return new RunFinding
        {
            Fingerprint = finding.Fingerprint,
            RuleId = finding.RuleId,
            Title = finding.Title,
            Severity = finding.Severity,
            Asset = finding.Asset,
            Evidence = finding.Evidence,
            Details = finding.Details,
            NodeId = nodeId,
            Attempt = attempt,
            Sequence = sequence,
            Timestamp = timestamp,
        };
    }
}

/// <summary>Distinct findings of a run by severity.</summary>
public sealed record FindingCounts(int Info = 0, int Low = 0, int Medium = 0, int High = 0, int Critical = 0)
{
    /// <summary>All of them.</summary>
    public int Total => Info + Low + Medium + High + Critical;

    /// <summary>Counts of <paramref name="findings"/>.</summary>
    public static FindingCounts Of(IEnumerable<FindingSeverity> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        int info = 0, low = 0, medium = 0, high = 0, critical = 0;
        foreach (var severity in findings)
        {
            switch (severity)
            {
                case FindingSeverity.Low: low++; break;
                case FindingSeverity.Medium: medium++; break;
                case FindingSeverity.High: high++; break;
                case FindingSeverity.Critical: critical++; break;
                default: info++; break;
            }
        }

        return new FindingCounts(info, low, medium, high, critical);
    }
}

/// <summary>Builds findings as components report them: the one place a reported finding is checked and fingerprinted.</summary>
public static class Findings
{
    /// <summary>Longest evidence kept, in characters.</summary>
    public const int MaxEvidenceLength = 1024;

    /// <summary>A checked finding with its fingerprint; throws <see cref="ArgumentException"/> for a missing rule id, title or host.</summary>
    public static Finding Create(string ruleId, string title, FindingSeverity severity, FindingAsset asset, string? evidence = null, JsonElement? details = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleId);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentException.ThrowIfNullOrWhiteSpace(asset.Host, nameof(asset));
        if (!Enum.IsDefined(severity))
        {
            throw new ArgumentOutOfRangeException(nameof(severity), severity, "Not a finding severity.");
        }

        return new Finding
        {
            Fingerprint = FindingFingerprint.Of(ruleId, asset),
            RuleId = ruleId.Trim(),
            Title = title.Trim(),
            Severity = severity,
            Asset = asset with { Host = asset.Host.Trim() },
            Evidence = evidence is { Length: > MaxEvidenceLength } ? evidence[..MaxEvidenceLength] : evidence,
            Details = details,
        };
    }

    /// <summary>host:port/protocol or the URL, for messages.</summary>
    public static string Describe(FindingAsset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (asset.Url is { } url)
        {
            return url;
        }

        var port = asset.Port is { } p ? $":{p}" : string.Empty;
        var protocol = asset.Protocol is { } proto ? $"/{proto}" : string.Empty;
        return $"{asset.Host}{port}{protocol}";
    }
}
