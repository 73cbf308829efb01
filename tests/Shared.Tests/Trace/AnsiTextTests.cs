using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.Trace;

/// <summary>What the console and the text export see of a coloured line: the words, none of the escape sequences.</summary>
public sealed class AnsiTextTests
{
    [Theory]
    [InlineData("\u001b[31mred\u001b[0m", "red")]
    [InlineData("\u001b[1;38;5;196mbold 256\u001b[m done", "bold 256 done")]
    [InlineData("\u001b]0;window title\u0007prompt", "prompt")]
    [InlineData("\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\", "link")]
    [InlineData("50%\u001b[K\r75%", "50%\r75%")]
    [InlineData("\u001b(Bascii", "ascii")]
    public void Escape_sequences_are_removed_and_the_words_kept(string raw, string clean) => Assert.Equal(clean, AnsiText.Strip(raw));

    [Fact]
    public void A_line_without_escapes_is_the_same_string()
    {
        const string line = "plain output";
        Assert.Same(line, AnsiText.Strip(line));
    }
}
