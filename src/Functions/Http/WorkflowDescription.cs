using ShipSec.Shared.Dsl;
using ShipSec.Shared.Sdk;

namespace ShipSec.Functions.Http;

/// <summary>
/// A stored workflow version as the API shows it: its definition with secret inputs masked, and where its
/// runs are listed when the response points there (left out of the JSON when null).
/// </summary>
internal sealed record WorkflowDescription(
    string Id, string Name, int Version, DateTimeOffset CreatedAt, int NodeCount, WorkflowDefinition Definition, string? RunsUrl)
{
    public static WorkflowDescription Of(StoredWorkflow stored, IComponentCatalog components, string? runsUrl = null) => new(
        stored.Definition.Id,
        stored.Definition.Name,
        stored.Version,
        stored.CreatedAt,
        stored.Definition.Nodes.Count,
        WorkflowRedaction.Redact(stored.Definition, components),
        runsUrl);
}
