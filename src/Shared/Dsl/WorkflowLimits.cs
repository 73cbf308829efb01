namespace ShipSec.Shared.Dsl;

/// <summary>The bounds the DSL enforces, in one place so documentation and error messages agree.</summary>
public static class WorkflowLimits
{
    /// <summary>Most nodes one workflow may have.</summary>
    public const int MaxNodes = 10_000;

    /// <summary>Largest <c>maxParallelNodes</c> a workflow may ask for (the local host runs 32 activities at once).</summary>
    public const int MaxParallelNodes = 256;

    /// <summary>
    /// Nodes of one run executing at once when neither the workflow nor the deployment says otherwise. A large run runs
    /// its nodes in batches, two activities at a time whatever this is, so it leaves the worker's other activity slots
    /// to every other run; within those two, 32 nodes at once ran a 5,000-node run twice as fast as 16 (no-op nodes
    /// wait on their trace's commit, not on the CPU; <c>scripts/bench scale</c> measures 16, 32 and 64 side by side).
    /// </summary>
    public const int DefaultMaxParallelNodes = 32;

    /// <summary>Deepest JSON nesting accepted in a document.</summary>
    public const int MaxJsonDepth = 64;

    /// <summary>Longest workflow or node id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Longest workflow name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest workflow description.</summary>
    public const int MaxDescriptionLength = 4_000;

    /// <summary>Longest component name.</summary>
    public const int MaxComponentNameLength = 256;

    /// <summary>Most attempts a retry policy may allow (the first attempt included).</summary>
    public const int MaxAttempts = 10;

    /// <summary>Longest node timeout, in seconds (one day).</summary>
    public const int MaxTimeoutSeconds = 86_400;

    /// <summary>Longest retry delay, in seconds (one day).</summary>
    public const double MaxBackoffSeconds = 86_400;

    /// <summary>Largest factor by which retry delays may grow.</summary>
    public const double MaxBackoffCoefficient = 10;

    /// <summary>The rule ids follow, for messages.</summary>
    internal const string IdRule = "must start with a letter or digit and contain only letters, digits, '_', '.' and '-' (at most 64 characters)";

    /// <summary>
    /// True for ids matching <c>^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$</c>. Written by hand rather than as a
    /// regular expression because <c>$</c> also matches before a trailing newline.
    /// </summary>
    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id.AsSpan(1))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
