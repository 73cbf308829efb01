using System.Text;
using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;

namespace ShipSec.Components;

/// <summary>
/// <c>core.report</c>: turns findings into a Markdown report and a JSON report, stored as artifacts. With the
/// run's findings store it also lists every finding the run's nodes reported so far (counts by severity and a table).
/// </summary>
public sealed class ReportComponent(IRunFindings? runFindings = null) : IComponent
{
    /// <summary>The component's DSL name.</summary>
    public const string ComponentName = "core.report";

    /// <summary>Artifact name of the Markdown report.</summary>
    public const string MarkdownName = "report.md";

    /// <summary>Artifact name of the JSON report.</summary>
    public const string JsonName = "report.json";

    private static readonly JsonSerializerOptions Indented = new(ShipSecJson.Options) { WriteIndented = true };

    /// <inheritdoc />
    public ComponentDescriptor Descriptor { get; } = new(
        ComponentName,
        "Writes findings (and an optional summary and sections) as report.md and report.json artifacts: arrays of objects become tables, other values bullet lists.",
        [
            new("title", ComponentValueType.String, false, "Report title (default \"ShipSec report\")."),
            new("findings", ComponentValueType.Any, true, "The findings, such as an HTTP probe's services."),
            new("summary", ComponentValueType.Any, false, "Shown before the findings, such as a port scan's openPorts."),
            new("sections", ComponentValueType.Object, false, "Further sections: heading → value."),
        ],
        [
            new("markdownArtifactId", ComponentValueType.String, "Artifact id of report.md."),
            new("jsonArtifactId", ComponentValueType.String, "Artifact id of report.json."),
            new("findingCount", ComponentValueType.Integer, "Number of findings: an array's length, 0 for null, otherwise 1."),
        ]);

    /// <inheritdoc />
    public async Task<ComponentOutputs> ExecuteAsync(IComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var inputs = context.Inputs;
        var title = inputs.GetOrDefault("title", "ShipSec report");
        var findings = inputs.Get<JsonElement>("findings");
        JsonElement? summary = inputs.Has("summary") ? inputs.Get<JsonElement>("summary") : null;
        var sections = inputs.Has("sections") ? inputs.Get<JsonElement>("sections") : (JsonElement?)null;
        if (sections is { ValueKind: not JsonValueKind.Object })
        {
            throw new ComponentInputException("sections", $"must be an object of heading → value, got {sections.Value.ValueKind}");
        }

        var findingCount = findings.ValueKind switch
        {
            JsonValueKind.Array => findings.GetArrayLength(),
            JsonValueKind.Null or JsonValueKind.Undefined => 0,
            _ => 1,
        };

        // Upstream nodes flushed their findings before they completed, so the store has every one of them.
        // Ordered by severity and fingerprint, not by when each was reported: nodes that run side by side report in
        // any order, and an unchanged scan must write the same report (the run diff compares artifacts by hash).
        IReadOnlyList<RunFinding> reported = runFindings is null ? [] : [.. (await runFindings.ListAsync(context.RunId, cancellationToken: context.CancellationToken).ConfigureAwait(false))
            .OrderByDescending(f => f.Severity).ThenBy(f => f.Fingerprint, StringComparer.Ordinal)];
        var counts = FindingCounts.Of(reported.Select(f => f.Severity));
        var markdown = MarkdownReport.Render(title, summary, findings, findingCount, sections);
        if (runFindings is not null)
        {
            markdown += MarkdownReport.RenderRunFindings(reported, counts);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(
            new ReportDocument(title, summary, findings, findingCount, sections, runFindings is null ? null : [.. reported.Select(ReportedFinding.Of)], runFindings is null ? null : counts),
            Indented);

        using var markdownStream = new MemoryStream(Encoding.UTF8.GetBytes(markdown), writable: false);
        var markdownArtifact = await context.EmitArtifactAsync(MarkdownName, "text/markdown", markdownStream, context.CancellationToken).ConfigureAwait(false);
        using var jsonStream = new MemoryStream(json, writable: false);
        var jsonArtifact = await context.EmitArtifactAsync(JsonName, "application/json", jsonStream, context.CancellationToken).ConfigureAwait(false);

        context.Log(TraceEventLevel.Info, $"Report \"{title}\" written with {findingCount} finding(s)");
        return new ComponentOutputs()
            .With("markdownArtifactId", markdownArtifact.ArtifactId)
            .With("jsonArtifactId", jsonArtifact.ArtifactId)
            .With("findingCount", findingCount);
    }

    // No run id, sequence or time: what a report holds depends on what the run found, not on when or which run.
    private sealed record ReportDocument(
        string Title, JsonElement? Summary, JsonElement Findings, int FindingCount, JsonElement? Sections,
        IReadOnlyList<ReportedFinding>? RunFindings, FindingCounts? RunFindingCounts);

    private sealed record ReportedFinding(string Fingerprint, string RuleId, string Title, FindingSeverity Severity, FindingAsset Asset, string? Evidence, string NodeId)
    {
        public static ReportedFinding Of(RunFinding finding) => new(finding.Fingerprint, finding.RuleId, finding.Title, finding.Severity, finding.Asset, finding.Evidence, finding.NodeId);
    }
}
