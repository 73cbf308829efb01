using System.ComponentModel.DataAnnotations;

namespace ShipSec.Functions.Http;

/// <summary>Who may call the API (section <c>Access</c>), on both hosts.</summary>
public sealed class AccessOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Access";

    /// <summary>The name the single <see cref="ApiKey"/> has in traces.</summary>
    public const string DefaultKeyName = "default";

    /// <summary>
    /// One key with the admin role, named <see cref="DefaultKeyName"/>: what <c>scripts/run</c> and the local
    /// defaults configure. When no key at all is configured and no platform authentication is trusted, the API is open.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Named keys, each with its role (<c>Access:Keys:0:Name</c>, <c>:Key</c>, <c>:Role</c>).</summary>
    public IList<ApiKeyOptions> Keys { get; } = [];

    /// <summary>The role of a caller with a valid Entra ID bearer token (<see cref="EntraPrincipalValidator"/>).</summary>
    public ApiRole PlatformRole { get; set; } = ApiRole.Admin;

    /// <summary>Every configured key: the named ones, then <see cref="ApiKey"/> as the admin key named <see cref="DefaultKeyName"/>.</summary>
    public IEnumerable<ApiKeyOptions> AllKeys()
    {
        foreach (var key in Keys)
        {
            yield return key;
        }

        if (!string.IsNullOrEmpty(ApiKey))
        {
            yield return new ApiKeyOptions { Name = DefaultKeyName, Key = ApiKey, Role = ApiRole.Admin };
        }
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var key in AllKeys())
        {
            var at = key.Name == DefaultKeyName && ReferenceEquals(key.Key, ApiKey) ? $"{SectionName}:ApiKey" : $"{SectionName}:Keys:{index}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                yield return new ValidationResult($"{at} needs a Name: it is what traces record instead of the key.");
            }
            else if (!names.Add(key.Name))
            {
                yield return new ValidationResult($"{at}: the key name '{key.Name}' is used twice.");
            }

            if (string.IsNullOrEmpty(key.Key) || key.Key.Length < MinimumKeyLength)
            {
                yield return new ValidationResult($"{at} needs a Key of at least {MinimumKeyLength} characters.");
            }
            else if (!secrets.Add(key.Key))
            {
                yield return new ValidationResult($"{at}: the same key is configured twice; each key has one name and role.");
            }

            if (key.Role == ApiRole.Anyone || !Enum.IsDefined(key.Role))
            {
                yield return new ValidationResult($"{at} needs a Role: viewer, operator or admin.");
            }

            index++;
        }
    }

    /// <summary>Keys shorter than this are refused at start: they could be guessed.</summary>
    public const int MinimumKeyLength = 16;
}

/// <summary>One API key: its name (what traces record), the secret, and what it may do.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>A name for people and traces, such as <c>ci</c> or <c>alice</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The secret callers send.</summary>
    public string Key { get; set; } = "";

    /// <summary>viewer, operator or admin.</summary>
    public ApiRole Role { get; set; } = ApiRole.Viewer;
}
