namespace ShipSec.Shared.Sdk;

/// <summary>
/// A failure a component can name: its <see cref="Kind"/> becomes the NODE_FAILED error kind (such as
/// <c>out-of-scope</c> or <c>tool-missing</c>), and the attempt is not retried, since trying again cannot help.
/// </summary>
public class ComponentFailureException : Exception
{
    /// <summary>A failure of the given kind.</summary>
    public ComponentFailureException(string message, string kind)
        : base(message) => Kind = kind;

    /// <summary>A failure without a kind.</summary>
    public ComponentFailureException() => Kind = "exception";

    /// <summary>A failure without a kind.</summary>
    public ComponentFailureException(string message) : base(message) => Kind = "exception";

    /// <summary>A failure caused by another exception.</summary>
    public ComponentFailureException(string message, Exception innerException) : base(message, innerException) => Kind = "exception";

    /// <summary>The machine-readable kind of the failure.</summary>
    public string Kind { get; }
}

/// <summary>A target outside the deployment's scope (<c>Scope:Allowed</c>); kind <c>out-of-scope</c>.</summary>
public sealed class OutOfScopeException : ComponentFailureException
{
    /// <summary>The failure kind.</summary>
    public const string FailureKind = "out-of-scope";

    /// <summary>A target refused by the scope; the message names it.</summary>
    public OutOfScopeException(string target, string message)
        : base(message, FailureKind) => Target = target;

    /// <summary>A target refused by the scope.</summary>
    public OutOfScopeException() : base("The target is outside the allowed scope.", FailureKind) => Target = string.Empty;

    /// <summary>A target refused by the scope.</summary>
    public OutOfScopeException(string message) : base(message, FailureKind) => Target = string.Empty;

    /// <summary>A target refused by the scope.</summary>
    public OutOfScopeException(string message, Exception innerException) : base(message, innerException) => Target = string.Empty;

    /// <summary>The target as given.</summary>
    public string Target { get; }
}

/// <summary>A tool a component runs is not installed; kind <c>tool-missing</c>, and the message names the package.</summary>
public sealed class ToolMissingException : ComponentFailureException
{
    /// <summary>The failure kind.</summary>
    public const string FailureKind = "tool-missing";

    /// <summary>The tool <paramref name="tool"/> is not on PATH; it comes from Debian package <paramref name="package"/>.</summary>
    public ToolMissingException(string tool, string package)
        : base($"'{tool}' is not installed: install the Debian package '{package}' (apt-get install -y {package}; scripts/services does it).", FailureKind)
    {
        Tool = tool;
        Package = package;
    }

    /// <summary>A missing tool.</summary>
    public ToolMissingException() : base("A tool is not installed.", FailureKind) => (Tool, Package) = (string.Empty, string.Empty);

    /// <summary>A missing tool.</summary>
    public ToolMissingException(string message) : base(message, FailureKind) => (Tool, Package) = (string.Empty, string.Empty);

    /// <summary>A missing tool.</summary>
    public ToolMissingException(string message, Exception innerException) : base(message, innerException) => (Tool, Package) = (string.Empty, string.Empty);

    /// <summary>The program looked for.</summary>
    public string Tool { get; }

    /// <summary>The Debian package that installs it.</summary>
    public string Package { get; }
}
