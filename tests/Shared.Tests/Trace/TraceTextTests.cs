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

    [Theory]
    [InlineData("sk_live_7f3a9c1e5b")]
    [InlineData("p@ss word/+=?&ü")]
    public void The_common_encodings_of_a_secret_are_masked_too(string secret)
    {
        var redactor = new SecretRedactor();
        redactor.Add(secret);
        var bytes = System.Text.Encoding.UTF8.GetBytes(secret);
        var encodings = new[]
        {
            Convert.ToBase64String(bytes),
            Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            Convert.ToHexString(bytes),
            Convert.ToHexStringLower(bytes),
            Uri.EscapeDataString(secret),
            System.Net.WebUtility.UrlEncode(secret),
        };

        foreach (var encoded in encodings)
        {
            var redacted = redactor.Redact($"value={encoded};");
            Assert.DoesNotContain(encoded, redacted, StringComparison.Ordinal);
            Assert.Contains(SecretRedactor.Mask, redacted, StringComparison.Ordinal);
        }

        // Inside a longer base64 text, at every alignment: a Basic authorization header, say.
        foreach (var user in new[] { "u", "us", "use", "user" })
        {
            var header = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{secret}"));
            var redacted = redactor.Redact($"Authorization: Basic {header}");
            Assert.Contains(SecretRedactor.Mask, redacted, StringComparison.Ordinal);
            Assert.DoesNotContain(header, redacted, StringComparison.Ordinal);

            // What is left around the mask is at most the user and the characters shared with it.
            Assert.True(redacted.Length - SecretRedactor.Mask.Length <= $"Authorization: Basic ".Length + ((user.Length + 1) * 4 / 3) + 4, redacted);
        }
    }

    [Fact]
    public void Text_that_merely_resembles_a_secret_is_left_alone()
    {
        var redactor = new SecretRedactor();
        redactor.Add("sk_live_7f3a9c1e5b");

        Assert.Equal("sk_live_ and 7f3a9c1e5b apart", redactor.Redact("sk_live_ and 7f3a9c1e5b apart"));
    }
}
