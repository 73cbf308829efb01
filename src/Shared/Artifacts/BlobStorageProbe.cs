using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Artifacts;

/// <summary>Blob Storage (Azurite locally) answers a request about the artifact container.</summary>
public sealed class BlobStorageProbe(BlobArtifactStore store) : IDependencyProbe
{
    /// <inheritdoc />
    public string Name => "storage";

    /// <inheritdoc />
    public Task ProbeAsync(CancellationToken cancellationToken = default) => store.ProbeAsync(cancellationToken);
}
