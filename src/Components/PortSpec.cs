using ShipSec.Shared.Sdk;

namespace ShipSec.Components;

/// <summary>Parses port lists such as <c>22,80,8000-8100</c>.</summary>
public static class PortSpec
{
    /// <summary>The distinct ports of <paramref name="spec"/>, ascending; the error names <paramref name="input"/>.</summary>
    public static IReadOnlyList<int> Parse(string spec, string input)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ports = new SortedSet<int>();
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var (first, last) = dash < 0
                ? (Port(part, part, input), Port(part, part, input))
                : (Port(part[..dash], part, input), Port(part[(dash + 1)..], part, input));
            if (first > last)
            {
                throw new ComponentInputException(input, $"has the range '{part}', whose start is after its end");
            }

            for (var port = first; port <= last; port++)
            {
                ports.Add(port);
            }
        }

        return [.. ports];
    }

    private static int Port(string text, string part, string input)
        => int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, null, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new ComponentInputException(input,
                $"has '{part}', which is not a port (1-65535) or a range such as 1-1024; write ports like \"22,80,8000-8100\"");
}
