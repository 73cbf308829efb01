using System.ComponentModel.DataAnnotations;

namespace ShipSec.Functions.Http;

/// <summary>Limits and addresses of the HTTP API (section <c>Api</c>).</summary>
public sealed class ApiOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Api";

    /// <summary>Largest workflow document accepted, in bytes; larger ones get 413 problem details.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public long MaxWorkflowBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest body of negotiate, subscribe and cancel, in bytes: they carry a token or a few ids.</summary>
    [Range(256, 1024 * 1024)]
    public long MaxControlBytes { get; set; } = 4 * 1024;

    /// <summary>Largest body of a run start, in bytes: its input values (a list of targets may be long).</summary>
    [Range(256, 4 * 1024 * 1024)]
    public long MaxRunInputBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The address clients reach this API at, such as <c>https://runs.example.com</c>: generated URLs
    /// (<c>Location</c>, status and trace links, the realtime hub URL and token audience) use it instead of the
    /// request's <c>Host</c>. When unset, the request's host is used, which <c>AllowedHosts</c> restricts.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment)))
        {
            yield return new ValidationResult($"{SectionName}:PublicBaseUrl must be an absolute http(s) URL without query, such as https://runs.example.com.", [nameof(PublicBaseUrl)]);
        }
    }
}
