using System.ComponentModel.DataAnnotations;

namespace ShipSec.Functions.Http;

/// <summary>Limits of the HTTP API (section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Api";

    /// <summary>Largest workflow document accepted, in bytes; larger ones get 413 problem details.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public long MaxWorkflowBytes { get; set; } = 4 * 1024 * 1024;
}
