using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.Trace;

public sealed class TraceTextTests
{
    [Fact]
    public void Clean_text_within_the_limit_is_returned_as_is()
    {
        const string Text = "port 443 open ✓ 🔒";
        Assert.Same(Text, TraceText.Sanitize(Text, 100));
    }

    [Fact]
    public void Lone_surrogates_become_replacement_characters_and_nul_is_removed()
    {
        var text = "a\uD800b\uDC00c\0d\uD83D\uDD12";

        Assert.Equal("a\uFFFDb\uFFFDcd\uD83D\uDD12", TraceText.Sanitize(text, 100));
    }

    [Fact]
    public void Long_text_is_cut_with_a_marker_counting_what_was_dropped()
    {
        var text = new string('x', 1000);

        var result = TraceText.Sanitize(text, 300);

        Assert.Equal(new string('x', 300) + "… [truncated 700 characters]", result);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var text = new string('x', 9) + "🔒" + new string('y', 10);

        var result = TraceText.Sanitize(text, 10);

        Assert.StartsWith(new string('x', 9) + TraceText.TruncationMarker, result, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_are_masked_in_text_and_json_longest_first()
    {
        var redactor = new SecretRedactor();
        redactor.Add("tok");
        redactor.Add("s3cr3t-token");
        redactor.Add("s3cr3t-token-extended");

        Assert.Equal("a=*** b=*** c=tok", redactor.Redact("a=s3cr3t-token-extended b=s3cr3t-token c=tok"));
        var json = System.Text.Json.JsonDocument.Parse("""{"header":"Bearer s3cr3t-token","n":1}""").RootElement;
        Assert.Equal("""{"header":"Bearer ***","n":1}""", redactor.Redact(json).GetRawText());
    }
}
