namespace ShipSec.Shared.Runs;

/// <summary>
/// Checks that one service the API depends on (PostgreSQL, storage) answers right now: what
/// <c>GET /api/health</c> reports per dependency.
/// </summary>
public interface IDependencyProbe
{
    /// <summary>The dependency's name in health reports, such as <c>postgres</c> or <c>storage</c>.</summary>
    string Name { get; }

    /// <summary>Completes when the dependency answered; throws when it did not (the exception says why).</summary>
    Task ProbeAsync(CancellationToken cancellationToken = default);
}
