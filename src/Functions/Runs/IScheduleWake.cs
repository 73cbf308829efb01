using Microsoft.DurableTask.Client;

namespace ShipSec.Functions.Runs;

/// <summary>
/// Tells the host's scheduler loop that the schedules changed (one was created), so a schedule whose first fire is sooner
/// than the loop's next wake is not late. The Functions app wakes (or starts) its schedule ticker orchestration; the local
/// host wakes its hosted service.
/// </summary>
public interface IScheduleWake
{
    /// <summary>Wakes the scheduler; <paramref name="client"/> is the request's Durable Task client.</summary>
    Task WakeAsync(DurableTaskClient client, CancellationToken cancellationToken = default);
}
