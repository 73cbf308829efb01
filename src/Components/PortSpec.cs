using ShipSec.Shared.Sdk;

namespace ShipSec.Components;

/// <summary>Parses port lists such as <c>22,80,8000-8100</c>.</summary>
public static class PortSpec
{
    /// <summary>The rule a port-list input declares: registration refuses a literal list this parser would refuse.</summary>
    public static ComponentInputRule Rule { get; } = new TextRule(spec => TryParse(spec, out _, out var problem) ? null : problem);

    /// <summary>The distinct ports of <paramref name="spec"/>, ascending; the error names <paramref name="input"/>.</summary>
    public static IReadOnlyList<int> Parse(string spec, string input)
        => TryParse(spec, out var ports, out var problem) ? ports : throw new ComponentInputException(input, problem);

    /// <summary>Parses <paramref name="spec"/>; on failure, <paramref name="problem"/> says why (such as "has '1-70000', which is not a port …").</summary>
    public static bool TryParse(string spec, out IReadOnlyList<int> ports, out string problem)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ports = [];
        var found = new SortedSet<int>();
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var (firstText, lastText) = dash < 0 ? (part, part) : (part[..dash], part[(dash + 1)..]);
            if (!TryPort(firstText, out var first) || !TryPort(lastText, out var last))
            {
                problem = $"has '{part}', which is not a port (1-65535) or a range such as 1-1024; write ports like \"22,80,8000-8100\"";
                return false;
            }

            if (first > last)
            {
                problem = $"has the range '{part}', whose start is after its end";
                return false;
            }

            for (var port = first; port <= last; port++)
            {
                found.Add(port);
            }
        }

        ports = [.. found];
        problem = "";
        return true;
    }

    private static bool TryPort(string text, out int port)
        => int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, null, out port) && port is >= 1 and <= 65535;
}
