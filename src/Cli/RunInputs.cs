using System.Globalization;
using System.Text.Json;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Json;

namespace ShipSec.Cli;

/// <summary>
/// <c>--input name=value</c> options as the JSON values a run starts with, typed by the workflow file's
/// declared inputs. Values that do not convert are sent as text: the server checks them and names the field.
/// </summary>
internal static class RunInputs
{
    public static bool TryParse(string workflowJson, IReadOnlyList<string> options, out IReadOnlyDictionary<string, JsonElement>? inputs, out string problem)
    {
        inputs = null;
        problem = string.Empty;
        if (options.Count == 0)
        {
            return true;
        }

        var declared = Declared(workflowJson);
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var option in options)
        {
            var equals = option.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = $"--input '{option}' must be name=value, such as --input target=127.0.0.1.";
                return false;
            }

            var name = option[..equals];
            var text = option[(equals + 1)..];
            values[name] = declared.TryGetValue(name, out var input) ? Typed(input.Type, text) : JsonSerializer.SerializeToElement(text);
        }

        inputs = values;
        return true;
    }

    // The server validates the file; here a file it would refuse simply declares nothing, and values go as text.
    private static IReadOnlyDictionary<string, WorkflowInputDefinition> Declared(string workflowJson)
    {
        try
        {
            return JsonSerializer.Deserialize<WorkflowDefinition>(workflowJson, ShipSecJson.Options)?.Inputs
                ?? new Dictionary<string, WorkflowInputDefinition>();
        }
        catch (JsonException)
        {
            return new Dictionary<string, WorkflowInputDefinition>();
        }
    }

    private static JsonElement Typed(WorkflowInputType type, string text) => type switch
    {
        WorkflowInputType.Integer when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonSerializer.SerializeToElement(number),
        WorkflowInputType.Boolean when bool.TryParse(text, out var flag) => JsonSerializer.SerializeToElement(flag),
        WorkflowInputType.StringArray => JsonSerializer.SerializeToElement(text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
        _ => JsonSerializer.SerializeToElement(text),
    };
}
