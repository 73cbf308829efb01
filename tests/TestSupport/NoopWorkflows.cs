namespace ShipSec.TestSupport;

/// <summary>
/// The workflow shapes the scale test and the scale bench run, made of no-op nodes (<c>core.log</c> that writes nothing),
/// so the test at CI size and the bench at full size measure the same thing.
/// </summary>
public static class NoopWorkflows
{
    private const int Levels = 10;

    /// <summary>One no-op node.</summary>
    public static object Node(string id, IReadOnlyList<string> dependsOn)
        => new { id, component = "core.log", inputs = new { message = "noop", count = 0 }, dependsOn };

    /// <summary>
    /// Ten levels of <c>nodes / 10</c> nodes, each after the first level waiting for two of the level before: only the
    /// width grows with the node count. At most <paramref name="maxParallelNodes"/> at once (the deployment's default when null).
    /// </summary>
    public static object Wide(string id, int nodes, int? maxParallelNodes = null)
    {
        var width = Math.Max(1, nodes / Levels);
        var levels = nodes / width;
        var list = new List<object>(nodes);
        for (var level = 0; level < levels; level++)
        {
            for (var i = 0; i < width; i++)
            {
                string[] dependsOn = level == 0 ? [] : [.. new[] { $"l{level - 1}n{i}", $"l{level - 1}n{(i + 1) % width}" }.Distinct()];
                list.Add(Node($"l{level}n{i}", dependsOn));
            }
        }

        return maxParallelNodes is { } parallel
            ? new { id, name = $"Wide DAG of {nodes}, {parallel} at once", nodes = list, maxParallelNodes = parallel }
            : new { id, name = $"Wide DAG of {nodes}", nodes = list };
    }

    /// <summary>A chain of <paramref name="nodes"/> nodes, each waiting for the one before.</summary>
    public static object Chain(string id, int nodes) => new
    {
        id,
        name = $"Chain of {nodes}",
        nodes = Enumerable.Range(0, nodes).Select(i => Node($"n{i}", i == 0 ? [] : [$"n{i - 1}"])).ToList(),
    };
}
