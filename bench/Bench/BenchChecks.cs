using System.Globalization;

namespace ShipSec.Bench;

/// <summary>One assertion of a bench run: what was checked, whether it held, and the figure behind it.</summary>
internal sealed record BenchCheck(string Name, bool Passed, string Detail);

/// <summary>
/// What a bench run asserts, so that <c>scripts/bench --quick</c> inside <c>scripts/test</c> fails on a broken
/// route, a figure that is not a number, or a regression of an order of magnitude. The floors are loose on
/// purpose and, where a ceiling exists, relative to it (measured in the same run, under the same load): on
/// the shared 2-core machine a busy moment made every absolute figure of one quick run 10-20x slower
/// (ingest 13k events/s, a DAG level 345 ms) while the ratios stayed where they always are. The exact
/// figures belong to the full bench, not to a pass/fail line.
/// </summary>
internal sealed class BenchChecks
{
    /// <summary>Ingest must carry at least this share of the raw COPY measured beside it (goal: 60%).</summary>
    public const double IngestShareFloor = 0.25;

    /// <summary>Live p99 at 1k events/s must stay under this (10x the 50 ms goal).</summary>
    public const double LiveP99CeilingMs = 500;

    /// <summary>
    /// State-at on a long run, median, must cost under this multiple of reading one indexed event through the same API
    /// (measured 4-5x; a fold from scratch instead of from a snapshot is 100x and more).
    /// </summary>
    public const double StateAtCostCeiling = 20;

    /// <summary>A diff must cost under this multiple of reading both runs' traces through the API (measured about 0.5x).</summary>
    public const double DiffCostCeiling = 10;

    /// <summary>
    /// One orchestrated DAG level on the in-memory backend must take under this: measured 15 ms on a quiet machine and
    /// 345 ms on a busy one, so this catches a stalled scheduler (seconds per level), not a slower one.
    /// </summary>
    public const double DagLevelCeilingMs = 1000;

    private readonly List<BenchCheck> _checks = [];

    public IReadOnlyList<BenchCheck> All => _checks;

    public bool AllPassed => _checks.TrueForAll(c => c.Passed);

    public void That(string name, bool passed, string detail) => _checks.Add(new BenchCheck(name, passed, detail));

    /// <summary>No measured figure is NaN or infinite (a failed request or an empty sample hides as one).</summary>
    public void FiguresAreNumbers(IEnumerable<Figure> figures)
    {
        var broken = figures
            .Where(f => f.Note is null && (!IsNumber(f.Ours) || (f.Ceiling is { } c && !double.IsFinite(c))))
            .Select(f => f.Name)
            .ToList();
        That("every figure is a number", broken.Count == 0, broken.Count == 0 ? "all finite" : "not a number: " + string.Join("; ", broken));
    }

    /// <summary><paramref name="ours"/> is at least <paramref name="floor"/> of <paramref name="ceiling"/>.</summary>
    public void ShareAtLeast(string name, double ours, double ceiling, double floor)
        => That(name, double.IsFinite(ours) && ceiling > 0 && ours >= floor * ceiling,
            $"{Format(ours)} vs {Format(ceiling)} = {Percent(ours / ceiling)} (floor {Percent(floor)})");

    /// <summary><paramref name="value"/> is finite, above zero (an empty sample reads as 0) and under <paramref name="limit"/>.</summary>
    public void Under(string name, double value, double limit, string unit)
        => That(name, double.IsFinite(value) && value > 0 && value < limit, $"{Format(value)} {unit} (limit {Format(limit)} {unit})");

    private static bool IsNumber(double? value) => value is { } v && double.IsFinite(v);

    private static string Format(double value) => value.ToString("N1", CultureInfo.InvariantCulture);

    private static string Percent(double share) => double.IsFinite(share) ? (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "NaN";
}
