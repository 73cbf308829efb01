using System.Text.Json;
using System.Text.Json.Nodes;
using ShipSec.Shared.Json;

namespace ShipSec.Shared.Trace;

/// <summary>
/// A run's findings as a SARIF 2.1.0 log (OASIS), so code-scanning tools can ingest them: one rule per rule
/// id, one result per finding, the platform fingerprint in <c>partialFingerprints</c>. Network assets have no
/// file: each result's location is the asset as a URI (its URL, or <c>protocol://host:port</c>) and a
/// logical location naming it.
/// </summary>
public static class SarifLog
{
    /// <summary>The media type of a SARIF log.</summary>
    public const string ContentType = "application/sarif+json";

    /// <summary>The schema the log declares.</summary>
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The key of the fingerprint in each result's <c>partialFingerprints</c>.</summary>
    public const string FingerprintKey = "shipsecFingerprint/v1";

    /// <summary>The SARIF log of <paramref name="findings"/> from run <paramref name="runId"/> of <paramref name="workflowId"/>.</summary>
    public static JsonObject Of(string runId, string workflowId, IReadOnlyList<RunFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(workflowId);
        ArgumentNullException.ThrowIfNull(findings);
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var rules = new JsonArray();
        var results = new JsonArray();
        foreach (var finding in findings)
        {
            if (!ruleIndex.TryGetValue(finding.RuleId, out var index))
            {
                index = rules.Count;
                ruleIndex.Add(finding.RuleId, index);
                rules.Add(new JsonObject
                {
                    ["id"] = finding.RuleId,
                    ["shortDescription"] = new JsonObject { ["text"] = finding.Title },
                    ["defaultConfiguration"] = new JsonObject { ["level"] = Level(finding.Severity) },
                    ["properties"] = new JsonObject
                    {
                        ["security-severity"] = SecuritySeverity(finding.Severity),
                        ["tags"] = new JsonArray("security"),
                    },
                });
            }

            var uri = AssetUri(finding.Asset);
            var message = finding.Evidence is { Length: > 0 } evidence ? $"{finding.Title}: {evidence}" : finding.Title;
            results.Add(new JsonObject
            {
                ["ruleId"] = finding.RuleId,
                ["ruleIndex"] = index,
                ["level"] = Level(finding.Severity),
                ["message"] = new JsonObject { ["text"] = message },
                ["locations"] = new JsonArray(new JsonObject
                {
                    ["physicalLocation"] = new JsonObject { ["artifactLocation"] = new JsonObject { ["uri"] = uri } },
                    ["logicalLocations"] = new JsonArray(new JsonObject { ["name"] = Findings.Describe(finding.Asset), ["kind"] = "resource" }),
                }),
                ["partialFingerprints"] = new JsonObject { [FingerprintKey] = finding.Fingerprint },
                ["properties"] = new JsonObject
                {
                    ["severity"] = Wire(finding.Severity),
                    ["nodeId"] = finding.NodeId,
                    ["attempt"] = finding.Attempt,
                    ["sequence"] = finding.Sequence,
                    ["asset"] = JsonSerializer.SerializeToNode(finding.Asset, ShipSecJson.Options),
                },
            });
        }

        return new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "ShipSec Runs",
                        ["informationUri"] = "https://github.com/shipsecai/studio",
                        ["rules"] = rules,
                    },
                },
                ["automationDetails"] = new JsonObject { ["id"] = $"{workflowId}/{runId}" },
                ["results"] = results,
            }),
        };
    }

    /// <summary>SARIF's result level: critical and high are errors, medium warnings, low and info notes.</summary>
    public static string Level(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical or FindingSeverity.High => "error",
        FindingSeverity.Medium => "warning",
        _ => "note",
    };

    // The numeric score code-scanning tools read from a rule's "security-severity" property (CVSS-like bands).
    private static string SecuritySeverity(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => "9.5",
        FindingSeverity.High => "8.0",
        FindingSeverity.Medium => "5.5",
        FindingSeverity.Low => "2.0",
        _ => "0.0",
    };

    private static string Wire(FindingSeverity severity) => JsonSerializer.SerializeToElement(severity, ShipSecJson.Options).GetString()!;

    private static string AssetUri(FindingAsset asset)
    {
        if (asset.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            return url;
        }

        // An IPv6 address is bracketed in a URI authority; a CIDR's '/' is escaped so it stays in the authority.
        var host = asset.Host.Contains(':', StringComparison.Ordinal) && !asset.Host.StartsWith('[') ? $"[{asset.Host}]" : asset.Host;
        var port = asset.Port is { } p ? $":{p}" : string.Empty;
        return $"{asset.Protocol ?? "tcp"}://{host.Replace("/", "%2F", StringComparison.Ordinal)}{port}";
    }
}
