using System.ComponentModel.DataAnnotations;

namespace ShipSec.Shared.Artifacts;

/// <summary>Where artifacts are stored: a Blob Storage account (Azurite locally) and a container in it.</summary>
public sealed class ArtifactStorageOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Artifacts";

    /// <summary>
    /// Storage connection string. When empty, the configuration's <c>ConnectionStrings:Storage</c> is used,
    /// and failing that <see cref="ServiceUri"/> with <c>DefaultAzureCredential</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Blob service endpoint, used with a managed identity when there is no connection string.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>Blob container holding every run's artifacts (created on first use).</summary>
    [Required]
    [RegularExpression("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$",
        ErrorMessage = "Container must be 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")]
    public string Container { get; set; } = "artifacts";

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && ServiceUri is null)
        {
            yield return new ValidationResult(
                $"Set {SectionName}:ConnectionString, ConnectionStrings:Storage or {SectionName}:ServiceUri.",
                [nameof(ConnectionString), nameof(ServiceUri)]);
        }
    }
}
