namespace ShipSec.Shared.Artifacts;

/// <summary>Blob names of artifacts: every part stays inside its run, node, attempt and artifact prefix.</summary>
public static class BlobNames
{
    private const int MaxNameLength = 200;

    /// <summary><c>{runId}/{nodeId}/{attempt}/{artifactId}/{safeName}</c>; ids that could escape their segment are rejected.</summary>
    public static string For(ArtifactDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentOutOfRangeException.ThrowIfNegative(descriptor.Attempt);
        return string.Join('/',
            Segment(descriptor.RunId, nameof(descriptor.RunId)),
            Segment(descriptor.NodeId, nameof(descriptor.NodeId)),
            descriptor.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Segment(descriptor.ArtifactId, nameof(descriptor.ArtifactId)),
            SafeName(descriptor.Name));
    }

    /// <summary>
    /// A component's file name made into one path segment: separators become '_', '.' and '..' parts and
    /// control characters are dropped, so <c>../../etc/passwd</c> becomes <c>etc_passwd</c>.
    /// </summary>
    public static string SafeName(string? name)
    {
        var parts = (name ?? string.Empty)
            .Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => new string([.. part.Where(c => !char.IsControl(c))]))
            .Where(part => part.Length > 0 && part != "." && part != "..");

        // Blob Storage advises against names ending in '.', and URL handling may fold a trailing dot away.
        var safe = string.Join('_', parts).TrimEnd('.');
        if (safe.Length > MaxNameLength)
        {
            safe = safe[^MaxNameLength..];
        }

        return safe.Length == 0 ? "artifact" : safe;
    }

    private static string Segment(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value) || value is "." or ".."
            || value.Any(c => c is '/' or '\\' || char.IsControl(c)))
        {
            throw new ArgumentException($"{name} '{value}' cannot be part of a blob name.", name);
        }

        return value;
    }
}
