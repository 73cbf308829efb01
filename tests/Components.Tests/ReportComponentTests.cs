using System.Text;
using System.Text.Json;

namespace ShipSec.Components.Tests;

public sealed class ReportComponentTests
{
    [Fact]
    public async Task Writes_a_markdown_and_a_json_report_of_the_same_findings()
    {
        var context = new RecordingComponentContext(new
        {
            title = "Local recon",
            findings = new object[]
            {
                new { port = 7071, status = 200, title = "Dash | board" },
                new { port = 5433, error = "not HTTP" },
            },
            summary = new[] { 5433, 7071 },
            sections = new Dictionary<string, object> { ["Scope"] = new { host = "127.0.0.1", ports = "5400-5450" } },
        });

        var outputs = await new ReportComponent().ExecuteAsync(context);

        Assert.Equal(2, outputs.Read<int>("findingCount"));
        Assert.Equal(2, context.Artifacts.Count);
        var markdown = Assert.Single(context.Artifacts, a => a.Reference.Name == "report.md");
        var json = Assert.Single(context.Artifacts, a => a.Reference.Name == "report.json");
        Assert.Equal(markdown.Reference.ArtifactId, outputs.Read<string>("markdownArtifactId"));
        Assert.Equal(json.Reference.ArtifactId, outputs.Read<string>("jsonArtifactId"));
        Assert.Equal("text/markdown", markdown.Reference.ContentType);
        Assert.Equal("application/json", json.Reference.ContentType);

        var text = Encoding.UTF8.GetString(markdown.Content);
        Assert.StartsWith("# Local recon\n", text, StringComparison.Ordinal);
        Assert.Contains("## Summary\n\n- 5433\n- 7071\n", text, StringComparison.Ordinal);
        Assert.Contains("## Findings (2)", text, StringComparison.Ordinal);
        Assert.Contains("| port | status | title | error |\n| --- | --- | --- | --- |\n", text, StringComparison.Ordinal);
        Assert.Contains("| 7071 | 200 | Dash \\| board |  |\n", text, StringComparison.Ordinal);
        Assert.Contains("| 5433 |  |  | not HTTP |\n", text, StringComparison.Ordinal);
        Assert.Contains("## Scope\n\n- **host**: 127.0.0.1\n- **ports**: 5400-5450\n", text, StringComparison.Ordinal);

        using var document = JsonDocument.Parse(json.Content);
        var root = document.RootElement;
        Assert.Equal("Local recon", root.GetProperty("title").GetString());
        Assert.Equal(2, root.GetProperty("findingCount").GetInt32());
        Assert.Equal(7071, root.GetProperty("findings")[0].GetProperty("port").GetInt32());
        Assert.Equal("Dash | board", root.GetProperty("findings")[0].GetProperty("title").GetString());
        Assert.Equal([5433, 7071], root.GetProperty("summary").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("127.0.0.1", root.GetProperty("sections").GetProperty("Scope").GetProperty("host").GetString());
    }

    [Fact]
    public async Task Untrusted_text_cannot_inject_markup()
    {
        var context = new RecordingComponentContext(new { findings = new[] { "<script>alert(1)</script>\n# heading" } });

        await new ReportComponent().ExecuteAsync(context);

        var text = Encoding.UTF8.GetString(context.Artifacts.Single(a => a.Reference.Name == "report.md").Content);
        Assert.Contains("- \\<script\\>alert(1)\\</script\\> \\# heading\n", text, StringComparison.Ordinal);
        Assert.StartsWith("# ShipSec report\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_findings_count_zero_and_say_none()
    {
        var context = new RecordingComponentContext(new { findings = Array.Empty<object>() });

        var outputs = await new ReportComponent().ExecuteAsync(context);

        Assert.Equal(0, outputs.Read<int>("findingCount"));
        Assert.Contains("_None._", Encoding.UTF8.GetString(context.Artifacts[0].Content), StringComparison.Ordinal);
    }
}
