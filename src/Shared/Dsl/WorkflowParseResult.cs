using System.Diagnostics.CodeAnalysis;

namespace ShipSec.Shared.Dsl;

/// <summary>The outcome of reading a workflow document: the definition, or every problem found in it.</summary>
/// <param name="Workflow">The definition; null whenever <paramref name="Problems"/> is not empty.</param>
/// <param name="Problems">Every problem found, in document order; empty when the document is valid.</param>
public sealed record WorkflowParseResult(WorkflowDefinition? Workflow, IReadOnlyList<WorkflowProblem> Problems)
{
    /// <summary>True when the document produced a definition and no problems.</summary>
    [MemberNotNullWhen(true, nameof(Workflow))]
    public bool IsValid => Workflow is not null && Problems.Count == 0;
}
