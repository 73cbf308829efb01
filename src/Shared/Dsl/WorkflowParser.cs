using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;
using static ShipSec.Shared.Dsl.WorkflowProblemCodes;

namespace ShipSec.Shared.Dsl;

/// <summary>
/// Reads the JSON workflow DSL into a <see cref="WorkflowDefinition"/>, reporting every structural problem
/// at once with its exact path: missing and unknown properties, wrong JSON types, ids out of format,
/// retry and timeout values out of range, NUL characters. It never throws on any document; only
/// cancellation of <see cref="ParseAsync"/> and failures of the stream itself escape.
/// </summary>
/// <remarks>
/// Comments and trailing commas are accepted, duplicate property names are not. Whether components,
/// inputs and references exist is the <see cref="WorkflowValidator"/>'s job; <see cref="WorkflowDefinitionReader"/>
/// runs both.
/// </remarks>
public static class WorkflowParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = WorkflowLimits.MaxJsonDepth,
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        AllowDuplicateProperties = false,
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses a workflow document held in a string.</summary>
    public static WorkflowParseResult Parse(string json) => ToResult(ParseDocument(json));

    /// <summary>Parses a UTF-8 workflow document.</summary>
    public static WorkflowParseResult Parse(ReadOnlyMemory<byte> utf8Json) => ToResult(ParseDocument(utf8Json));

    /// <summary>Reads a UTF-8 workflow document to its end and parses it.</summary>
    public static async Task<WorkflowParseResult> ParseAsync(Stream utf8Json, CancellationToken cancellationToken = default)
        => ToResult(await ParseDocumentAsync(utf8Json, cancellationToken));

    /// <summary>The parse with a best-effort definition even when there are problems, so that validation can still run.</summary>
    internal static ParsedDocument ParseDocument(string json)
    {
        if (json is null)
        {
            return ParsedDocument.Malformed("The workflow document is empty.");
        }

        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException exception)
        {
            var (line, column) = CharPosition(json, exception.Index);
            return ParsedDocument.Malformed($"The workflow is not valid text at line {line}, character {column}: it contains an unpaired surrogate.");
        }

        return ParseDocument(utf8);
    }

    internal static async Task<ParsedDocument> ParseDocumentAsync(Stream utf8Json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var buffer = new MemoryStream();
        await utf8Json.CopyToAsync(buffer, cancellationToken);
        return ParseDocument(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    internal static ParsedDocument ParseDocument(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.Span.StartsWith(Encoding.UTF8.Preamble))
        {
            utf8Json = utf8Json[Encoding.UTF8.Preamble.Length..];
        }

        var invalidAt = FirstInvalidUtf8(utf8Json.Span);
        if (invalidAt >= 0)
        {
            var (line, column) = BytePosition(utf8Json.Span, invalidAt);
            return ParsedDocument.Malformed($"The workflow is not valid UTF-8 at line {line}, byte {column}.");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(utf8Json, DocumentOptions);

            // A standalone copy: the definition's input values outlive this document and its pooled buffers.
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            return ParsedDocument.Malformed(DescribeJsonError(exception));
        }
        catch (InvalidOperationException exception)
        {
            // Comparing escaped property names for duplicates can meet an escape that is not valid UTF-16.
            return ParsedDocument.Malformed($"The workflow is not valid JSON: {exception.Message}");
        }

        var reader = new DocumentReader();
        var partial = reader.ReadWorkflow(root);
        return new ParsedDocument(partial, reader.Problems);
    }

    private static WorkflowParseResult ToResult(ParsedDocument parsed)
        => new(parsed.Problems.Count == 0 ? parsed.Workflow : null, parsed.Problems);

    private static string DescribeJsonError(JsonException exception)
    {
        var reason = exception.Message;
        var suffix = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            reason = reason[..suffix];
        }

        var line = (exception.LineNumber ?? 0) + 1;
        var column = (exception.BytePositionInLine ?? 0) + 1;
        return $"The workflow is not valid JSON at line {line}, byte {column}: {reason.Trim()}";
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        if (Utf8.IsValid(utf8))
        {
            return -1;
        }

        var index = 0;
        while (index < utf8.Length)
        {
            if (Rune.DecodeFromUtf8(utf8[index..], out _, out var consumed) != OperationStatus.Done)
            {
                return index;
            }

            index += consumed;
        }

        return -1;
    }

    private static (int Line, int Column) BytePosition(ReadOnlySpan<byte> utf8, int index)
    {
        var before = utf8[..index];
        return (before.Count((byte)'\n') + 1, index - before.LastIndexOf((byte)'\n'));
    }

    private static (int Line, int Column) CharPosition(string text, int index)
    {
        var before = text.AsSpan(0, Math.Clamp(index, 0, text.Length));
        return (before.Count('\n') + 1, before.Length - before.LastIndexOf('\n'));
    }

    /// <summary>
    /// Walks the document and builds the model by hand, so that one pass finds every problem. Where a value
    /// is unusable it keeps a placeholder ("" ids, default retry values), so node indices stay those of the
    /// document and the validator's findings about them are covered by the parser's own.
    /// </summary>
    private sealed class DocumentReader
    {
        private static readonly string[] WorkflowFields = ["id", "name", "description", "inputs", "nodes", "alerts", "maxParallelNodes"];
        private static readonly string[] AlertFields = ["on", "minSeverity", "webhook"];
        private static readonly string[] WebhookFields = ["url", "secret"];
        private static readonly string[] InputFields = ["type", "required", "default", "description", "secret"];
        private static readonly string[] InputTypes = ["string", "integer", "boolean", "string[]", "host", "ports"];
        private static readonly string[] NodeFields = ["id", "component", "inputs", "dependsOn", "retry", "timeoutSeconds"];
        private static readonly string[] RetryFields = ["maxAttempts", "backoffSeconds", "backoffCoefficient", "maxBackoffSeconds"];

        public List<WorkflowProblem> Problems { get; } = [];

        public WorkflowDefinition? ReadWorkflow(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Add(WorkflowPaths.Root, InvalidValue, $"The workflow must be a JSON object with id, name and nodes, not {WorkflowPaths.Describe(root)}.");
                return null;
            }

            string? id = null, name = null, description = null;
            IReadOnlyList<NodeDefinition>? nodes = null;
            IReadOnlyDictionary<string, WorkflowInputDefinition>? inputs = null;
            IReadOnlyList<AlertRule>? alerts = null;
            int? maxParallelNodes = null;
            var properties = Properties(root, WorkflowPaths.Root, null);
            foreach (var (property, value) in properties)
            {
                var path = WorkflowPaths.Append(WorkflowPaths.Root, property);
                switch (property)
                {
                    case "id":
                        id = ReadId(value, path, "The workflow id", null);
                        break;
                    case "name":
                        name = ReadText(value, path, "The workflow name", WorkflowLimits.MaxNameLength, null);
                        break;
                    case "description":
                        description = ReadText(value, path, "The workflow description", WorkflowLimits.MaxDescriptionLength, null, allowBlank: true);
                        break;
                    case "nodes":
                        nodes = ReadNodes(value);
                        break;
                    case "inputs":
                        inputs = ReadWorkflowInputs(value, path);
                        break;
                    case "alerts":
                        alerts = ReadAlerts(value, path);
                        break;
                    case "maxParallelNodes":
                        maxParallelNodes = ReadInteger(value, path, "The workflow's maxParallelNodes", 1, WorkflowLimits.MaxParallelNodes, null);
                        break;
                    default:
                        UnknownField(path, property, "The workflow", WorkflowFields, null);
                        break;
                }
            }

            RequireField(properties, "id", "/id", "The workflow needs an id.", null);
            RequireField(properties, "name", "/name", "The workflow needs a name.", null);
            RequireField(properties, "nodes", WorkflowPaths.Nodes, "The workflow needs a nodes array with at least one node.", null);

            return new WorkflowDefinition
            {
                Id = id ?? string.Empty,
                Name = name ?? string.Empty,
                Description = description,
                Inputs = inputs ?? new Dictionary<string, WorkflowInputDefinition>(StringComparer.Ordinal),
                Nodes = nodes ?? [],
                Alerts = alerts ?? [],
                MaxParallelNodes = maxParallelNodes,
            };
        }

        // The shape of each rule; WorkflowValidator checks the URL and that a secret binding names a secret input.
        private List<AlertRule>? ReadAlerts(JsonElement value, string path)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                Add(path, InvalidValue, $"The workflow's alerts must be an array of rules such as {{\"on\": \"new-findings\", \"webhook\": {{\"url\": \"…\"}}}}, not {WorkflowPaths.Describe(value)}.");
                return null;
            }

            var rules = new List<AlertRule>();
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                var field = $"{path}/{index++}";
                var subject = $"Alert {index - 1}";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    Add(field, InvalidValue, $"{subject} must be an object with on and webhook, not {WorkflowPaths.Describe(item)}.");
                    continue;
                }

                AlertTrigger? on = null;
                FindingSeverity? minSeverity = null;
                string? url = null;
                JsonElement? secret = null;
                var fields = Properties(item, field, null);
                foreach (var (property, part) in fields)
                {
                    var partPath = WorkflowPaths.Append(field, property);
                    switch (property)
                    {
                        case "on":
                            on = ReadWireName<AlertTrigger>(part, partPath, $"{subject}: on");
                            break;
                        case "minSeverity":
                            minSeverity = ReadWireName<FindingSeverity>(part, partPath, $"{subject}: minSeverity");
                            break;
                        case "webhook" when part.ValueKind == JsonValueKind.Object:
                            foreach (var (hookProperty, hookValue) in Properties(part, partPath, null))
                            {
                                var hookPath = WorkflowPaths.Append(partPath, hookProperty);
                                switch (hookProperty)
                                {
                                    case "url":
                                        url = ReadString(hookValue, hookPath, $"{subject}: webhook url", null);
                                        break;
                                    case "secret":
                                        secret = hookValue.ValueKind == JsonValueKind.Null ? null : hookValue.Clone();
                                        break;
                                    default:
                                        UnknownField(hookPath, hookProperty, $"{subject}'s webhook", WebhookFields, null);
                                        break;
                                }
                            }

                            break;
                        case "webhook":
                            Add(partPath, InvalidValue, $"{subject}: webhook must be an object such as {{\"url\": \"http://127.0.0.1:8080/hook\"}}, not {WorkflowPaths.Describe(part)}.");
                            break;
                        default:
                            UnknownField(partPath, property, subject, AlertFields, null);
                            break;
                    }
                }

                RequireField(fields, "on", WorkflowPaths.Append(field, "on"), $"{subject} needs on: new-findings or run-failed.", null);
                RequireField(fields, "webhook", WorkflowPaths.Append(field, "webhook"), $"{subject} needs a webhook with a url.", null);
                rules.Add(new AlertRule
                {
                    On = on ?? AlertTrigger.NewFindings,
                    MinSeverity = minSeverity,
                    Webhook = new AlertWebhook { Url = url ?? string.Empty, Secret = secret },
                });
            }

            return rules;
        }

        private TEnum? ReadWireName<TEnum>(JsonElement value, string path, string subject)
            where TEnum : struct, Enum
        {
            var text = ReadString(value, path, subject, null);
            if (text is null)
            {
                return null;
            }

            if (WireName.TryParse<TEnum>(text, out var parsed))
            {
                return parsed;
            }

            Add(path, InvalidValue, $"{subject}: '{WorkflowPaths.Shorten(text)}' is not one of {string.Join(", ", Enum.GetValues<TEnum>().Select(v => WireName.Of(v)))}.");
            return null;
        }

        private Dictionary<string, WorkflowInputDefinition>? ReadWorkflowInputs(JsonElement value, string path)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Add(path, InvalidValue, $"The workflow's inputs must be an object of input declarations by name, such as {{\"target\": {{\"type\": \"host\"}}}}, not {WorkflowPaths.Describe(value)}.");
                return null;
            }

            var inputs = new Dictionary<string, WorkflowInputDefinition>(StringComparer.Ordinal);
            foreach (var (name, declaration) in Properties(value, path, null))
            {
                var field = WorkflowPaths.Append(path, name);
                var subject = $"Workflow input '{WorkflowPaths.Shorten(name)}'";
                if (!WorkflowLimits.IsValidId(name))
                {
                    Add(field, InvalidValue, $"{subject}: the name {WorkflowLimits.IdRule}.");
                }

                if (declaration.ValueKind != JsonValueKind.Object)
                {
                    Add(field, InvalidValue, $"{subject} must be an object such as {{\"type\": \"string\"}}, not {WorkflowPaths.Describe(declaration)}.");
                    continue;
                }

                WorkflowInputType? type = null;
                bool required = false, secret = false;
                JsonElement? fallback = null;
                string? description = null;
                var fields = Properties(declaration, field, null);
                foreach (var (property, item) in fields)
                {
                    var itemPath = WorkflowPaths.Append(field, property);
                    switch (property)
                    {
                        case "type":
                            var text = ReadString(item, itemPath, $"{subject}: type", null);
                            var index = text is null ? -1 : Array.IndexOf(InputTypes, text);
                            if (text is not null && index < 0)
                            {
                                Add(itemPath, InvalidValue, $"{subject}: type '{WorkflowPaths.Shorten(text)}' is not one of {string.Join(", ", InputTypes)}.");
                            }

                            type = index < 0 ? null : (WorkflowInputType)index;
                            break;
                        case "required":
                            required = ReadBoolean(item, itemPath, $"{subject}: required");
                            break;
                        case "secret":
                            secret = ReadBoolean(item, itemPath, $"{subject}: secret");
                            break;
                        case "default":
                            CheckText(item, itemPath, $"{subject}: default", null);
                            fallback = item.ValueKind == JsonValueKind.Null ? null : item;
                            break;
                        case "description":
                            description = ReadText(item, itemPath, $"{subject}: description", WorkflowLimits.MaxDescriptionLength, null, allowBlank: true);
                            break;
                        default:
                            UnknownField(itemPath, property, subject, InputFields, null);
                            break;
                    }
                }

                RequireField(fields, "type", WorkflowPaths.Append(field, "type"), $"{subject} needs a type: one of {string.Join(", ", InputTypes)}.", null);
                inputs[name] = new WorkflowInputDefinition
                {
                    Type = type ?? WorkflowInputType.String,
                    Required = required,
                    Default = fallback,
                    Description = description,
                    Secret = secret,
                };
            }

            return inputs;
        }

        private bool ReadBoolean(JsonElement value, string path, string subject)
        {
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return value.GetBoolean();
            }

            if (value.ValueKind != JsonValueKind.Null)
            {
                Add(path, InvalidValue, $"{subject} must be true or false, not {WorkflowPaths.Describe(value)}.");
            }

            return false;
        }

        private List<NodeDefinition>? ReadNodes(JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                Add(WorkflowPaths.Nodes, InvalidValue, $"The workflow's nodes must be an array, not {WorkflowPaths.Describe(value)}.");
                return null;
            }

            var nodes = new List<NodeDefinition>(value.GetArrayLength());
            var index = 0;
            foreach (var element in value.EnumerateArray())
            {
                nodes.Add(ReadNode(element, index++));
            }

            if (nodes.Count == 0)
            {
                Add(WorkflowPaths.Nodes, InvalidValue, "The workflow's nodes must contain at least one node.");
            }

            return nodes;
        }

        private NodeDefinition ReadNode(JsonElement element, int index)
        {
            var path = WorkflowPaths.Node(index);
            if (element.ValueKind != JsonValueKind.Object)
            {
                Add(path, InvalidValue, $"The node at {path} must be an object, not {WorkflowPaths.Describe(element)}.");
                return new NodeDefinition { Id = string.Empty, Component = string.Empty };
            }

            var properties = Properties(element, path, null);
            string? id = null;
            foreach (var (property, value) in properties)
            {
                if (property == "id")
                {
                    id = ReadId(value, WorkflowPaths.Append(path, "id"), $"The id of the node at {path}", null);
                }
            }

            // Messages name the node by its id once it has a usable one.
            var nodeId = id is not null && WorkflowLimits.IsValidId(id) ? id : null;
            var label = WorkflowPaths.NodeLabel(nodeId, index);
            string? component = null;
            IReadOnlyDictionary<string, JsonElement>? inputs = null;
            IReadOnlyList<string>? dependsOn = null;
            RetryPolicy? retry = null;
            int? timeoutSeconds = null;
            foreach (var (property, value) in properties)
            {
                var field = WorkflowPaths.Append(path, property);
                switch (property)
                {
                    case "id":
                        break;
                    case "component":
                        component = ReadText(value, field, $"{label}: component", WorkflowLimits.MaxComponentNameLength, nodeId);
                        break;
                    case "inputs":
                        inputs = ReadInputs(value, field, label, nodeId);
                        break;
                    case "dependsOn":
                        dependsOn = ReadDependsOn(value, field, label, nodeId);
                        break;
                    case "retry":
                        retry = ReadRetry(value, field, label, nodeId);
                        break;
                    case "timeoutSeconds":
                        timeoutSeconds = ReadInteger(value, field, $"{label}: timeoutSeconds", 1, WorkflowLimits.MaxTimeoutSeconds, nodeId);
                        break;
                    default:
                        UnknownField(field, property, label, NodeFields, nodeId);
                        break;
                }
            }

            RequireField(properties, "id", WorkflowPaths.Append(path, "id"), $"The node at {path} needs an id.", null);
            RequireField(properties, "component", WorkflowPaths.Append(path, "component"), $"{label} needs a component.", nodeId);

            return new NodeDefinition
            {
                Id = id ?? string.Empty,
                Component = component ?? string.Empty,
                Inputs = inputs ?? new Dictionary<string, JsonElement>(StringComparer.Ordinal),
                DependsOn = dependsOn ?? [],
                Retry = retry,
                TimeoutSeconds = timeoutSeconds,
            };
        }

        private Dictionary<string, JsonElement>? ReadInputs(JsonElement value, string path, string label, string? nodeId)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Add(path, InvalidValue, $"{label}: inputs must be an object of input values by name, not {WorkflowPaths.Describe(value)}.", nodeId);
                return null;
            }

            var inputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var (name, input) in Properties(value, path, nodeId))
            {
                var field = WorkflowPaths.Append(path, name);
                if (name.Contains('\0', StringComparison.Ordinal))
                {
                    Add(field, InvalidValue, $"{label}: an input name contains a NUL character (\\u0000), which cannot be stored.", nodeId);
                }

                CheckText(input, field, $"{label}: input '{WorkflowPaths.Shorten(name)}'", nodeId);
                inputs[name] = input;
            }

            return inputs;
        }

        /// <summary>Rejects NUL characters and undecodable escapes anywhere in a literal value; depth is bounded by the parser.</summary>
        private void CheckText(JsonElement value, string path, string subject, string? nodeId)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    ReadString(value, path, subject, nodeId);
                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        CheckText(item, WorkflowPaths.Append(path, index++), subject, nodeId);
                    }

                    break;
                case JsonValueKind.Object:
                    foreach (var (name, item) in Properties(value, path, nodeId))
                    {
                        var field = WorkflowPaths.Append(path, name);
                        if (name.Contains('\0', StringComparison.Ordinal))
                        {
                            Add(field, InvalidValue, $"{subject} has a property name with a NUL character (\\u0000), which cannot be stored.", nodeId);
                        }

                        CheckText(item, field, subject, nodeId);
                    }

                    break;
                default:
                    break;
            }
        }

        private List<string>? ReadDependsOn(JsonElement value, string path, string label, string? nodeId)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                Add(path, InvalidValue, $"{label}: dependsOn must be an array of node ids, not {WorkflowPaths.Describe(value)}.", nodeId);
                return null;
            }

            var dependsOn = new List<string>(value.GetArrayLength());
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                var field = WorkflowPaths.Append(path, index++);
                if (item.ValueKind != JsonValueKind.String)
                {
                    Add(field, InvalidValue, $"{label}: dependsOn entries must be node ids (strings), not {WorkflowPaths.Describe(item)}.", nodeId);
                    dependsOn.Add(string.Empty);
                    continue;
                }

                dependsOn.Add(ReadString(item, field, $"{label}: a dependsOn entry", nodeId) ?? string.Empty);
            }

            return dependsOn;
        }

        private RetryPolicy? ReadRetry(JsonElement value, string path, string label, string? nodeId)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Add(path, InvalidValue, $"{label}: retry must be an object such as {{\"maxAttempts\": 3, \"backoffSeconds\": 1}}, not {WorkflowPaths.Describe(value)}.", nodeId);
                return null;
            }

            var retry = new RetryPolicy();
            foreach (var (property, item) in Properties(value, path, nodeId))
            {
                var field = WorkflowPaths.Append(path, property);
                var subject = $"{label}: retry.{property}";
                retry = property switch
                {
                    "maxAttempts" => ReadInteger(item, field, subject, 1, WorkflowLimits.MaxAttempts, nodeId) is { } attempts
                        ? retry with { MaxAttempts = attempts }
                        : retry,
                    "backoffSeconds" => ReadSeconds(item, field, subject, 0, WorkflowLimits.MaxBackoffSeconds, nodeId) is { } backoff
                        ? retry with { BackoffSeconds = backoff }
                        : retry,
                    "backoffCoefficient" => ReadSeconds(item, field, subject, 1, WorkflowLimits.MaxBackoffCoefficient, nodeId) is { } coefficient
                        ? retry with { BackoffCoefficient = coefficient }
                        : retry,
                    "maxBackoffSeconds" => ReadSeconds(item, field, subject, 0, WorkflowLimits.MaxBackoffSeconds, nodeId) is { } cap
                        ? retry with { MaxBackoffSeconds = cap }
                        : retry,
                    _ => UnknownRetryField(field, property, label, nodeId, retry),
                };
            }

            return retry;
        }

        private RetryPolicy UnknownRetryField(string field, string property, string label, string? nodeId, RetryPolicy retry)
        {
            UnknownField(field, property, $"{label}: retry", RetryFields, nodeId);
            return retry;
        }

        /// <summary>A whole number; returned even when out of range, so the value the author wrote is kept.</summary>
        private int? ReadInteger(JsonElement value, string path, string subject, int min, int max, string? nodeId)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
            {
                if (number < min || number > max)
                {
                    Add(path, InvalidValue, $"{subject} must be from {min} to {max}, not {number}.", nodeId);
                }

                return number;
            }

            var got = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : WorkflowPaths.Describe(value);
            Add(path, InvalidValue, $"{subject} must be a whole number from {min} to {max}, not {got}.", nodeId);
            return null;
        }

        private double? ReadSeconds(JsonElement value, string path, string subject, double min, double max, string? nodeId)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
            {
                if (number < min || number > max)
                {
                    Add(path, InvalidValue, $"{subject} must be from {min} to {max}, not {value.GetRawText()}.", nodeId);
                }

                return number;
            }

            var got = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : WorkflowPaths.Describe(value);
            Add(path, InvalidValue, $"{subject} must be a number from {min} to {max}, not {got}.", nodeId);
            return null;
        }

        private string? ReadId(JsonElement value, string path, string subject, string? nodeId)
        {
            var id = ReadString(value, path, subject, nodeId);
            if (id is not null && !id.Contains('\0', StringComparison.Ordinal) && !WorkflowLimits.IsValidId(id))
            {
                Add(path, InvalidValue, $"{subject} '{WorkflowPaths.Shorten(id)}' {WorkflowLimits.IdRule}.", nodeId);
            }

            return id;
        }

        private string? ReadText(JsonElement value, string path, string subject, int maxLength, string? nodeId, bool allowBlank = false)
        {
            var text = ReadString(value, path, subject, nodeId);
            if (text is null || text.Contains('\0', StringComparison.Ordinal))
            {
                return text;
            }

            if (!allowBlank && string.IsNullOrWhiteSpace(text))
            {
                Add(path, InvalidValue, $"{subject} must not be empty.", nodeId);
            }
            else if (text.Length > maxLength)
            {
                Add(path, InvalidValue, $"{subject} must be at most {maxLength} characters long, not {text.Length}.", nodeId);
            }

            return text;
        }

        /// <summary>A string value; null (with a problem) when it is another type or cannot be decoded; null alone for JSON null.</summary>
        private string? ReadString(JsonElement value, string path, string subject, string? nodeId)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Add(path, InvalidValue, $"{subject} must be a string, not {WorkflowPaths.Describe(value)}.", nodeId);
                return null;
            }

            string text;
            try
            {
                text = value.GetString()!;
            }
            catch (InvalidOperationException)
            {
                Add(path, InvalidValue, $"{subject} is not valid text: it contains an escaped unpaired surrogate.", nodeId);
                return null;
            }

            if (text.Contains('\0', StringComparison.Ordinal))
            {
                Add(path, InvalidValue, $"{subject} contains a NUL character (\\u0000), which cannot be stored.", nodeId);
            }

            return text;
        }

        /// <summary>The properties of an object, skipping (and reporting) names that cannot be decoded.</summary>
        private List<(string Name, JsonElement Value)> Properties(JsonElement value, string path, string? nodeId)
        {
            var properties = new List<(string, JsonElement)>();
            foreach (var property in value.EnumerateObject())
            {
                string name;
                try
                {
                    name = property.Name;
                }
                catch (InvalidOperationException)
                {
                    Add(path, InvalidValue, $"A property name in {path} is not valid text: it contains an escaped unpaired surrogate.", nodeId);
                    continue;
                }

                properties.Add((name, property.Value));
            }

            return properties;
        }

        private void RequireField(List<(string Name, JsonElement Value)> properties, string name, string path, string message, string? nodeId)
        {
            foreach (var (property, value) in properties)
            {
                if (property == name && value.ValueKind != JsonValueKind.Null)
                {
                    return;
                }
            }

            Add(path, MissingField, message, nodeId);
        }

        private void UnknownField(string path, string property, string owner, string[] known, string? nodeId)
        {
            var suggestion = Array.Find(known, k => k.Equals(property, StringComparison.OrdinalIgnoreCase));
            var hint = suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?";
            Add(path, WorkflowProblemCodes.UnknownField, $"{owner} has an unknown property '{WorkflowPaths.Shorten(property)}'.{hint} Known properties: {string.Join(", ", known)}.", nodeId);
        }

        private void Add(string field, string code, string message, string? nodeId = null)
            => Problems.Add(new WorkflowProblem(field, code, message, nodeId));

    }
}

/// <summary>A parse that keeps its best-effort definition alongside the problems.</summary>
internal sealed record ParsedDocument(WorkflowDefinition? Workflow, IReadOnlyList<WorkflowProblem> Problems)
{
    public static ParsedDocument Malformed(string message)
        => new(null, [new WorkflowProblem(WorkflowPaths.Root, WorkflowProblemCodes.MalformedJson, message)]);
}
