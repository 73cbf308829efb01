using System.Globalization;

namespace ShipSec.Shared.Sdk;

/// <summary>Parses port lists such as <c>22,80,8000-8100</c>: one rule for workflow inputs of type ports and for components.</summary>
public static class PortSpec
{
    /// <summary>The rule a port-list input declares: registration refuses a literal list this parser would refuse.</summary>
    public static ComponentInputRule Rule { get; } = new TextRule(spec => TryParse(spec, out _, out var problem) ? null : problem);

    /// <summary>The distinct ports of <paramref name="spec"/>, ascending; the error names <paramref name="input"/>.</summary>
    public static IReadOnlyList<int> Parse(string spec, string input)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return TryParse(spec, out var ports, out var problem) ? ports : throw new ComponentInputException(input, problem);
    }

    /// <summary>The distinct ports of <paramref name="spec"/>, ascending; false with a problem such as "has '0', which is not a port".</summary>
    public static bool TryParse(string spec, out IReadOnlyList<int> ports, out string problem)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var set = new SortedSet<int>();
        ports = [];
        problem = string.Empty;
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var firstText = dash < 0 ? part : part[..dash];
            var lastText = dash < 0 ? part : part[(dash + 1)..];
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
                set.Add(port);
            }
        }

        ports = [.. set];
        return true;
    }

    /// <summary>Ascending ports as ranges, such as <c>22, 80-82</c>: a tool's port argument stays short however many ports.</summary>
    public static IEnumerable<string> ToRanges(this IReadOnlyList<int> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        for (var i = 0; i < ports.Count;)
        {
            var start = ports[i];
            var end = start;
            while (i + 1 < ports.Count && ports[i + 1] == end + 1)
            {
                end = ports[++i];
            }

            i++;
            yield return start == end ? start.ToString(CultureInfo.InvariantCulture) : $"{start}-{end}";
        }
    }

    private static bool TryPort(string text, out int port)
        => int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
