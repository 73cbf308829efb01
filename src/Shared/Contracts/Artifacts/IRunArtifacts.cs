namespace ShipSec.Shared.Artifacts;

/// <summary>Finds the artifacts a run's trace announced (NODE_ARTIFACT), so a download is checked against its run.</summary>
public interface IRunArtifacts
{
    /// <summary>The artifact <paramref name="artifactId"/> of run <paramref name="runId"/>, or null.</summary>
    Task<ArtifactReference?> FindAsync(string runId, string artifactId, CancellationToken cancellationToken = default);
}
