using System.Text.Json;
using System.Text.Json.Serialization;

namespace ShipSec.Shared.Json;

/// <summary>
/// The one set of JSON rules for every payload that leaves a process: the HTTP API, the trace store's
/// payload column, the CLI and the orchestration boundary. One set, so a payload read anywhere parses.
/// </summary>
public static class ShipSecJson
{
    /// <summary>camelCase names, enums as their declared wire names, nulls omitted.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the ShipSec rules to options owned by a host (ASP.NET Core, the Functions worker).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.PropertyNameCaseInsensitive = true;
        options.Converters.Add(new JsonStringEnumConverter());
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
