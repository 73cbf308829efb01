using System.Globalization;
using System.Text.Json;

namespace ShipSec.Shared.Dsl;

/// <summary>Builds the JSON-pointer-like fields of problems and words shared by parser and validator messages.</summary>
internal static class WorkflowPaths
{
    public const string Root = "/";
    public const string Nodes = "/nodes";

    public static string Node(int index) => string.Create(CultureInfo.InvariantCulture, $"/nodes/{index}");

    /// <summary>Appends a property name, escaped as RFC 6901 asks so a name with '/' stays one segment.</summary>
    public static string Append(string parent, string name)
        => string.Concat(parent == Root ? string.Empty : parent, "/", name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));

    public static string Append(string parent, int index)
        => string.Concat(parent == Root ? string.Empty : parent, "/", index.ToString(CultureInfo.InvariantCulture));

    /// <summary>"Node 'scan'" when the node has an id, else "The node at /nodes/2".</summary>
    public static string NodeLabel(string? nodeId, int index)
        => string.IsNullOrEmpty(nodeId) ? $"The node at {Node(index)}" : $"Node '{Shorten(nodeId)}'";

    /// <summary>True when <paramref name="prefix"/> is <paramref name="field"/> or one of its ancestors.</summary>
    public static bool Covers(string prefix, string field)
        => prefix == Root
           || field.Equals(prefix, StringComparison.Ordinal)
           || (field.StartsWith(prefix, StringComparison.Ordinal) && field.Length > prefix.Length && field[prefix.Length] == '/');

    /// <summary>Keeps messages readable when a value written by an author is huge or carries NUL characters.</summary>
    public static string Shorten(string? text)
    {
        var clean = (text ?? string.Empty).Replace("\0", "\\u0000", StringComparison.Ordinal);
        return clean.Length <= 80 ? clean : string.Concat(clean.AsSpan(0, 77), "...");
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>
    /// Orders problems as a person reads the document: workflow fields, then node by node, then
    /// graph-wide cycles. The sort is stable, so problems of one node keep the order they were found in.
    /// </summary>
    public static IReadOnlyList<WorkflowProblem> InDocumentOrder(IEnumerable<WorkflowProblem> problems)
        => [.. problems.OrderBy(SortKey)];

    private static int SortKey(WorkflowProblem problem)
    {
        if (problem.Code == WorkflowProblemCodes.Cycle)
        {
            return int.MaxValue;
        }

        const string prefix = "/nodes/";
        if (!problem.Field.StartsWith(prefix, StringComparison.Ordinal))
        {
            return -1;
        }

        var end = problem.Field.IndexOf('/', prefix.Length);
        var digits = end < 0 ? problem.Field.AsSpan(prefix.Length) : problem.Field.AsSpan(prefix.Length, end - prefix.Length);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;
    }
}
