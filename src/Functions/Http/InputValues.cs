using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace ShipSec.Functions.Http;

/// <summary>How a request body's <c>inputs</c> value reads, for a run's start and a schedule alike.</summary>
internal static class InputValues
{
    /// <summary>
    /// The input values of <paramref name="inputs"/>, by name: none for <c>null</c>, a problem at <c>/inputs</c> when it is
    /// not an object, or at <c>/inputs/&lt;name&gt;</c> when a name is given twice.
    /// </summary>
    public static (Dictionary<string, JsonElement>? Values, IActionResult? Problem) Read(JsonElement inputs)
    {
        if (inputs.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (inputs.ValueKind != JsonValueKind.Object)
        {
            return (null, Problems.InvalidBody("/inputs", "'inputs' must be an object of input values by name."));
        }

        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var input in inputs.EnumerateObject())
        {
            if (!values.TryAdd(input.Name, input.Value.Clone()))
            {
                return (null, Problems.InvalidBody($"/inputs/{input.Name}", $"Input '{input.Name}' is given twice."));
            }
        }

        return (values, null);
    }
}
