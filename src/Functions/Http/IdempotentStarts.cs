using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ShipSec.Shared.Runs;

namespace ShipSec.Functions.Http;

/// <summary>
/// The <c>Idempotency-Key</c> header of run starts and re-runs: the first request with a key (per caller) claims it
/// for the run id it is about to start; the same key with the same request within 24 hours answers 200 with that run
/// and starts nothing, and with a different request is a 422 problem. A start that did not happen gives its key up.
/// </summary>
public sealed class IdempotentStarts(IIdempotencyStore keys, IRunStore runs, TimeProvider clock)
{
    /// <summary>The request header.</summary>
    public const string HeaderName = "Idempotency-Key";

    /// <summary>How long a key is honoured.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>The longest key accepted.</summary>
    public const int MaxKeyLength = 255;

    // How long a repeat waits for the first request's run to be recorded before answering 409.
    private static readonly TimeSpan FirstRequestWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Starts a run through <paramref name="start"/> (given the new run's id; it answers the response and whether a
    /// run was started) at most once per key, or answers what <paramref name="repeat"/> makes of the run a key
    /// already stands for. Without the header it simply starts.
    /// </summary>
    public async Task<IActionResult> StartAsync(
        HttpRequest request,
        Func<string, Task<(IActionResult Response, bool Started)>> start,
        Func<RunSummary, IActionResult> repeat,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(repeat);
        var runId = Guid.NewGuid().ToString("N");
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return (await start(runId)).Response;
        }

        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key.Any(c => c < 0x20 || c > 0x7e))
        {
            return Problems.InvalidParameter(HeaderName, $"'{HeaderName}' must be one value of 1 to {MaxKeyLength} printable ASCII characters.");
        }

        var caller = ApiPrincipal.Of(request).Name;
        var fingerprint = await FingerprintAsync(request, cancellationToken);
        var waitUntil = clock.GetUtcNow() + FirstRequestWait;
        while (true)
        {
            var now = clock.GetUtcNow();
            var claim = await keys.ClaimAsync(caller, key, fingerprint, runId, now, now - Window, cancellationToken);
            if (claim.Claimed)
            {
                return await StartOnceAsync(caller, key, runId, start);
            }

            if (!string.Equals(claim.RequestHash, fingerprint, StringComparison.Ordinal))
            {
                return Problems.IdempotencyKeyReused(HeaderName, key);
            }

            // The first request may still be starting its run: wait until the run is recorded, or its key given up.
            while (await runs.GetAsync(claim.RunId, cancellationToken) is not { } summary)
            {
                if (!await keys.HoldsAsync(caller, key, claim.RunId, cancellationToken))
                {
                    break;
                }

                if (clock.GetUtcNow() > waitUntil)
                {
                    return Problems.Conflict("idempotent-request-in-progress", $"A request with this {HeaderName} is still starting its run; try again shortly.");
                }

                await Task.Delay(Poll, clock, cancellationToken);
            }

            if (await runs.GetAsync(claim.RunId, cancellationToken) is { } started)
            {
                return repeat(started);
            }
        }
    }

    private async Task<IActionResult> StartOnceAsync(string caller, string key, string runId, Func<string, Task<(IActionResult Response, bool Started)>> start)
    {
        (IActionResult Response, bool Started) outcome;
        try
        {
            outcome = await start(runId);
        }
        catch
        {
            await keys.ReleaseAsync(caller, key, runId, CancellationToken.None);
            throw;
        }

        if (!outcome.Started)
        {
            await keys.ReleaseAsync(caller, key, runId, CancellationToken.None);
        }

        return outcome.Response;
    }

    // Method, path and body (JSON in one canonical spelling, so whitespace does not make a request different). The
    // body is read into memory and put back for the function to read.
    private static async Task<string> FingerprintAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.ToArray();
        request.Body = new MemoryStream(body, writable: false);
        string canonical;
        try
        {
            canonical = body.Length == 0 ? string.Empty : JsonNode.Parse(body)?.ToJsonString() ?? "null";
        }
        catch (System.Text.Json.JsonException)
        {
            canonical = Convert.ToBase64String(body);
        }

        var text = $"{request.Method}\n{request.Path}\n{canonical}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
