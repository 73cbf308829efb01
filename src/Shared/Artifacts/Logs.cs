using Microsoft.Extensions.Logging;

namespace ShipSec.Shared.Artifacts;

/// <summary>Log messages of the artifact store (event ids 1400–1499).</summary>
internal static partial class ArtifactLogs
{
    [LoggerMessage(1400, LogLevel.Information, "Created artifact container {Container}")]
    public static partial void ContainerCreated(this ILogger logger, string container);

    [LoggerMessage(1401, LogLevel.Debug, "Saved artifact {BlobName} of run {RunId} node {NodeId}: {Size} bytes")]
    public static partial void ArtifactSaved(this ILogger logger, string runId, string nodeId, string blobName, long size);

    [LoggerMessage(1402, LogLevel.Warning, "Cannot sign read links to container {Container}: no user delegation key")]
    public static partial void LinkUnavailable(this ILogger logger, Exception exception, string container);
}
