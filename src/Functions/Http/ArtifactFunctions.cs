using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ShipSec.Shared.Artifacts;

namespace ShipSec.Functions.Http;

/// <summary>Downloading the artifacts a run stored.</summary>
public sealed class ArtifactFunctions(IRunArtifacts runArtifacts, IArtifactStore store, IArtifactLinks links)
{
    /// <summary><c>GET /api/workflows/runs/{runId}/artifacts/{artifactId}</c>: the artifact's bytes, with its SHA-256 as <c>Repr-Digest</c>.</summary>
    [Function(nameof(DownloadArtifact))]
    public async Task<IActionResult> DownloadArtifact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs/{runId}/artifacts/{artifactId}")] HttpRequest request,
        string runId,
        string artifactId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The artifact must be one the run's own trace announced: an id from another run finds nothing.
        var reference = await runArtifacts.FindAsync(runId, artifactId, cancellationToken);
        var content = reference is null ? null : await store.OpenAsync(reference, cancellationToken);
        if (reference is null || content is null)
        {
            return Problems.ArtifactNotFound(runId, artifactId);
        }

        var digest = Convert.ToBase64String(Convert.FromHexString(reference.Sha256));
        request.HttpContext.Response.Headers["Repr-Digest"] = $"sha-256=:{digest}:";
        request.HttpContext.Response.RegisterForDisposeAsync(content);
        return new FileStreamResult(content.Content, reference.ContentType) { FileDownloadName = reference.Name };
    }

    /// <summary>How long a download link works.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(15);

    /// <summary>
    /// <c>GET /api/workflows/runs/{runId}/artifacts/{artifactId}/link</c>: <c>{url, expiresAt}</c>, a short-lived read-only
    /// link straight to storage, so large artifacts do not pass through the API; 501 when the store cannot sign one.
    /// </summary>
    [Function(nameof(GetArtifactLink))]
    public async Task<IActionResult> GetArtifactLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/runs/{runId}/artifacts/{artifactId}/link")] HttpRequest request,
        string runId,
        string artifactId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reference = await runArtifacts.FindAsync(runId, artifactId, cancellationToken);
        if (reference is null)
        {
            return Problems.ArtifactNotFound(runId, artifactId);
        }

        return await links.TryCreateReadLinkAsync(reference, LinkLifetime, cancellationToken) is { } link
            ? ApiResponses.Ok(link)
            : Problems.ArtifactLinksUnavailable(runId, artifactId);
    }
}
