namespace ShipSec.Components;

/// <summary>Whether and what <c>core.exec</c> may run (configuration section <c>Components:Exec</c>).</summary>
public sealed class ExecOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Components:Exec";

    /// <summary>Off unless the deployment turns it on: whoever may register a workflow may otherwise run any program.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The programs <c>core.exec</c> may run, compared with its <c>command</c> input as written (a name looked
    /// up on the sandbox's PATH, or a full path). Empty: none. Allowing a shell allows anything inside the sandbox.
    /// </summary>
    public IList<string> AllowedCommands { get; } = [];
}
