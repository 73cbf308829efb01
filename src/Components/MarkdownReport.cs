using System.Text;
using System.Text.Json;

namespace ShipSec.Components;

/// <summary>Renders JSON values as Markdown: arrays of objects as tables, everything else as bullet lists.</summary>
public static class MarkdownReport
{
    /// <summary>The whole report.</summary>
    public static string Render(string title, JsonElement? summary, JsonElement findings, int findingCount, JsonElement? sections)
    {
        var markdown = new StringBuilder();
        markdown.Append("# ").AppendLine(Escape(title)).AppendLine();
        if (summary is { } value)
        {
            markdown.AppendLine("## Summary").AppendLine();
            AppendValue(markdown, value);
        }

        markdown.Append("## Findings (").Append(findingCount).AppendLine(")").AppendLine();
        AppendValue(markdown, findings);
        if (sections is { ValueKind: JsonValueKind.Object } named)
        {
            foreach (var section in named.EnumerateObject())
            {
                markdown.Append("## ").AppendLine(Escape(section.Name)).AppendLine();
                AppendValue(markdown, section.Value);
            }
        }

        return markdown.ToString();
    }

    /// <summary>The run's reported findings: counts by severity, then one table row per finding, most severe first.</summary>
    public static string RenderRunFindings(IReadOnlyList<ShipSec.Shared.Trace.RunFinding> findings, ShipSec.Shared.Trace.FindingCounts counts)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(counts);
        var markdown = new StringBuilder();
        markdown.Append("## Reported findings (").Append(findings.Count).AppendLine(")").AppendLine();
        markdown.Append("critical ").Append(counts.Critical).Append(" · high ").Append(counts.High).Append(" · medium ").Append(counts.Medium)
            .Append(" · low ").Append(counts.Low).Append(" · info ").Append(counts.Info).AppendLine().AppendLine();
        if (findings.Count == 0)
        {
            return markdown.AppendLine("_None._").AppendLine().ToString();
        }

        markdown.AppendLine("| severity | rule | title | asset | evidence | node |");
        markdown.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var finding in findings)
        {
            markdown.Append("| ").Append(ShipSec.Shared.Json.WireName.Of(finding.Severity))
                .Append(" | ").Append(Escape(finding.RuleId))
                .Append(" | ").Append(Escape(finding.Title))
                .Append(" | ").Append(Escape(ShipSec.Shared.Trace.Findings.Describe(finding.Asset)))
                .Append(" | ").Append(Escape(finding.Evidence ?? string.Empty))
                .Append(" | ").Append(Escape(finding.NodeId)).AppendLine(" |");
        }

        return markdown.AppendLine().ToString();
    }

    /// <summary>One value as a block followed by a blank line.</summary>
    public static void AppendValue(StringBuilder markdown, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        switch (value.ValueKind)
        {
            case JsonValueKind.Array when value.GetArrayLength() == 0:
                markdown.AppendLine("_None._");
                break;
            case JsonValueKind.Array when value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Object):
                AppendTable(markdown, value);
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    markdown.Append("- ").AppendLine(Inline(item));
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    markdown.Append("- **").Append(Escape(property.Name)).Append("**: ").AppendLine(Inline(property.Value));
                }

                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                markdown.AppendLine("_None._");
                break;
            default:
                markdown.AppendLine(Inline(value));
                break;
        }

        markdown.AppendLine();
    }

    private static void AppendTable(StringBuilder markdown, JsonElement rows)
    {
        var columns = rows.EnumerateArray()
            .SelectMany(row => row.EnumerateObject().Select(p => p.Name))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        markdown.Append("| ").AppendJoin(" | ", columns.Select(Escape)).AppendLine(" |");
        markdown.Append('|').AppendJoin('|', columns.Select(_ => " --- ")).AppendLine("|");
        foreach (var row in rows.EnumerateArray())
        {
            markdown.Append("| ")
                .AppendJoin(" | ", columns.Select(c => row.TryGetProperty(c, out var cell) ? Inline(cell) : string.Empty))
                .AppendLine(" |");
        }
    }

    /// <summary>A value on one line: scalars as text, nested values as compact JSON, all escaped.</summary>
    private static string Inline(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Escape(value.GetString()!),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
        _ => Escape(value.GetRawText()),
    };

    /// <summary>
    /// Text from scanned hosts (titles, headers) is untrusted: escape what Markdown would read as markup or
    /// raw HTML, and keep it on one line so it cannot break out of a table cell.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\r' or '\n' or '\t':
                    escaped.Append(' ');
                    break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#' or '~' or '!':
                    escaped.Append('\\').Append(c);
                    break;
                default:
                    if (!char.IsControl(c))
                    {
                        escaped.Append(c);
                    }

                    break;
            }
        }

        return escaped.ToString();
    }
}
