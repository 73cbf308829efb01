using ShipSec.Shared.Sdk;

namespace ShipSec.Shared.Dsl;

/// <summary>
/// Parses and validates a workflow document in one call, so a caller (the HTTP API, the CLI) gets every
/// problem at once: the structural ones from <see cref="WorkflowParser"/> and, on the best-effort
/// definition the parser still builds, the catalog and graph ones from <see cref="WorkflowValidator"/>.
/// </summary>
public sealed class WorkflowDefinitionReader
{
    private readonly WorkflowValidator validator;

    /// <summary>A reader that validates against <paramref name="catalog"/>.</summary>
    public WorkflowDefinitionReader(IComponentCatalog catalog) => validator = new WorkflowValidator(catalog);

    /// <summary>A reader that uses <paramref name="validator"/>.</summary>
    public WorkflowDefinitionReader(WorkflowValidator validator)
        => this.validator = validator ?? throw new ArgumentNullException(nameof(validator));

    /// <summary>Parses and validates a document held in a string.</summary>
    public WorkflowParseResult Read(string json) => Combine(WorkflowParser.ParseDocument(json));

    /// <summary>Parses and validates a UTF-8 document.</summary>
    public WorkflowParseResult Read(ReadOnlyMemory<byte> utf8Json) => Combine(WorkflowParser.ParseDocument(utf8Json));

    /// <summary>Reads a UTF-8 document to its end, then parses and validates it.</summary>
    public async Task<WorkflowParseResult> ReadAsync(Stream utf8Json, CancellationToken cancellationToken = default)
        => Combine(await WorkflowParser.ParseDocumentAsync(utf8Json, cancellationToken));

    private WorkflowParseResult Combine(ParsedDocument parsed)
    {
        if (parsed.Workflow is null)
        {
            return new WorkflowParseResult(null, parsed.Problems);
        }

        var found = validator.Validate(parsed.Workflow);
        if (parsed.Problems.Count == 0)
        {
            return new WorkflowParseResult(found.Count == 0 ? parsed.Workflow : null, found);
        }

        // The parser's placeholders for unusable values would make the validator repeat what the parser
        // already said about the same field (a missing id is also an invalid id); its word wins.
        var problems = new List<WorkflowProblem>(parsed.Problems);
        foreach (var problem in found)
        {
            if (!parsed.Problems.Any(p => WorkflowPaths.Covers(p.Field, problem.Field)))
            {
                problems.Add(problem);
            }
        }

        return new WorkflowParseResult(null, WorkflowPaths.InDocumentOrder(problems));
    }
}
