using System.Text.Json;
using ShipSec.Shared.Sdk;
using static ShipSec.Shared.Dsl.WorkflowProblemCodes;

namespace ShipSec.Shared.Dsl;

/// <summary>
/// Checks a workflow definition against the component catalog and as a graph: node ids unique, components
/// known, inputs declared and given, references pointing at declared outputs of existing nodes, no node
/// depending on itself, no cycles, at most <see cref="WorkflowLimits.MaxNodes"/> nodes. Every problem is
/// reported, not just the first. It never throws on a definition, however it was built.
/// </summary>
/// <param name="catalog">The components a node may name.</param>
/// <param name="maxNodeTimeoutSeconds">Longest node timeout this deployment holds (<see cref="WorkflowOptions.MaxNodeTimeoutSeconds"/>).</param>
public sealed class WorkflowValidator(IComponentCatalog catalog, int maxNodeTimeoutSeconds = WorkflowLimits.MaxTimeoutSeconds)
{
    /// <summary>Cycles reported one by one before the rest are summed up in one problem.</summary>
    internal const int MaxReportedCycles = 100;

    private readonly IComponentCatalog catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));

    /// <summary>Every problem of <paramref name="definition"/>, in document order; empty when it can run.</summary>
    public IReadOnlyList<WorkflowProblem> Validate(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new Run(catalog, maxNodeTimeoutSeconds).Validate(definition);
    }

    /// <summary>One validation: the catalog lookups it has made and the problems it has found.</summary>
    private sealed class Run(IComponentCatalog catalog, int maxTimeoutSeconds)
    {
        private readonly List<WorkflowProblem> problems = [];
        private readonly Dictionary<string, ComponentShape?> shapes = new(StringComparer.Ordinal);
        private string? knownComponents;
        private List<string>? dottedIds;
        private IReadOnlyDictionary<string, WorkflowInputDefinition> declaredInputs = new Dictionary<string, WorkflowInputDefinition>();

        /// <summary>Every default must be a value of its input's type (a host default is not checked against the scope: that needs DNS and happens at start).</summary>
        private void CheckWorkflowInputs(IReadOnlyDictionary<string, WorkflowInputDefinition> inputs)
        {
            foreach (var (name, input) in inputs)
            {
                if (input?.Default is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } fallback
                    && WorkflowInputValues.TypeProblem(input.Type, fallback) is { } problem)
                {
                    Add(WorkflowPaths.Append(WorkflowPaths.Append("/inputs", name), "default"), InvalidValue, $"Workflow input '{WorkflowPaths.Shorten(name)}': the default {problem}.");
                }
            }
        }

        /// <summary>Every <c>$input</c> in a node input value names a declared workflow input.</summary>
        private void CheckBindings(NodeDefinition node, string label, string field, JsonElement value)
        {
            foreach (var (path, name) in WorkflowInputBinding.Find(value, field))
            {
                var at = WorkflowPaths.Append(path, WorkflowInputBinding.PropertyName);
                if (name is null)
                {
                    Add(at, InvalidValue, $"{label}: $input at {path} must be the name of a workflow input (a string).", NodeId(node));
                }
                else if (!declaredInputs.ContainsKey(name))
                {
                    var known = declaredInputs.Count == 0 ? "the workflow declares no inputs" : $"its inputs are {string.Join(", ", declaredInputs.Keys)}";
                    Add(at, UnknownWorkflowInput, $"{label}: $input '{WorkflowPaths.Shorten(name)}' at {path} is not a declared workflow input; {known}.", NodeId(node));
                }
            }
        }

        /// <summary>The component input type a workflow input's values always have.</summary>
        private static ComponentValueType ValueTypeOf(WorkflowInputType type) => type switch
        {
            WorkflowInputType.Integer => ComponentValueType.Integer,
            WorkflowInputType.Boolean => ComponentValueType.Boolean,
            WorkflowInputType.StringArray => ComponentValueType.Array,
            WorkflowInputType.Ports => ComponentValueType.Any,
            _ => ComponentValueType.String,
        };

        public IReadOnlyList<WorkflowProblem> Validate(WorkflowDefinition definition)
        {
            CheckWorkflowFields(definition);
            declaredInputs = definition.Inputs ?? new Dictionary<string, WorkflowInputDefinition>();
            CheckWorkflowInputs(declaredInputs);
            CheckAlerts(definition.Alerts ?? []);
            if (definition.Nodes is not { } nodes)
            {
                Add("/nodes", MissingField, "The workflow needs a nodes array with at least one node.");
                return problems;
            }

            if (nodes.Count == 0)
            {
                Add("/nodes", InvalidValue, "The workflow's nodes must contain at least one node.");
            }
            else if (nodes.Count > WorkflowLimits.MaxNodes)
            {
                Add("/nodes", TooManyNodes, $"The workflow has {nodes.Count} nodes; at most {WorkflowLimits.MaxNodes} are allowed.");
            }

            var indexById = IndexNodes(nodes);
            var nodeShapes = new ComponentShape?[nodes.Count];
            for (var i = 0; i < nodes.Count; i++)
            {
                nodeShapes[i] = nodes[i] is { } node ? CheckComponent(node, i) : null;
            }

            for (var i = 0; i < nodes.Count; i++)
            {
                if (nodes[i] is not { } node)
                {
                    continue;
                }

                CheckRetryAndTimeout(node, i);
                CheckInputs(node, i, nodeShapes[i], nodes, nodeShapes, indexById);
                CheckDependsOn(node, i, indexById);
            }

            FindCycles(nodes, indexById);
            return WorkflowPaths.InDocumentOrder(problems);
        }

        private void CheckWorkflowFields(WorkflowDefinition definition)
        {
            if (string.IsNullOrEmpty(definition.Id))
            {
                Add("/id", MissingField, "The workflow needs an id.");
            }
            else if (!WorkflowLimits.IsValidId(definition.Id))
            {
                Add("/id", InvalidValue, $"The workflow id '{WorkflowPaths.Shorten(definition.Id)}' {WorkflowLimits.IdRule}.");
            }

            if (string.IsNullOrWhiteSpace(definition.Name))
            {
                Add("/name", MissingField, "The workflow needs a name.");
            }
        }

        /// <summary>Maps each id to the first node carrying it, reporting missing, malformed and repeated ids.</summary>
        private Dictionary<string, int> IndexNodes(IReadOnlyList<NodeDefinition?> nodes)
        {
            var indexById = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
            for (var i = 0; i < nodes.Count; i++)
            {
                var path = WorkflowPaths.Node(i);
                if (nodes[i] is not { } node)
                {
                    Add(path, InvalidValue, $"The node at {path} is null.");
                    continue;
                }

                var field = WorkflowPaths.Append(path, "id");
                if (string.IsNullOrEmpty(node.Id))
                {
                    Add(field, MissingField, $"The node at {path} needs an id.");
                    continue;
                }

                if (!WorkflowLimits.IsValidId(node.Id))
                {
                    Add(field, InvalidValue, $"The id of the node at {path} {WorkflowLimits.IdRule}.");
                }

                if (!indexById.TryAdd(node.Id, i))
                {
                    Add(field, DuplicateNodeId, $"Node id '{WorkflowPaths.Shorten(node.Id)}' is used by the node at {WorkflowPaths.Node(indexById[node.Id])} and again at {path}; node ids must be unique.", node.Id);
                }
            }

            return indexById;
        }

        private ComponentShape? CheckComponent(NodeDefinition node, int index)
        {
            var field = WorkflowPaths.Append(WorkflowPaths.Node(index), "component");
            var label = Label(node, index);
            if (string.IsNullOrEmpty(node.Component))
            {
                Add(field, MissingField, $"{label} needs a component.", NodeId(node));
                return null;
            }

            if (Shape(node.Component) is { } shape)
            {
                return shape;
            }

            knownComponents ??= string.Join(", ", catalog.Descriptors.Select(d => d.Name).Order(StringComparer.Ordinal));
            var known = knownComponents.Length == 0 ? "No components are registered." : $"Known components: {knownComponents}.";
            Add(field, UnknownComponent, $"{label} uses component '{WorkflowPaths.Shorten(node.Component)}', which is not registered. {known}", NodeId(node));
            return null;
        }

        private void CheckRetryAndTimeout(NodeDefinition node, int index)
        {
            var path = WorkflowPaths.Node(index);
            var label = Label(node, index);
            if (node.Retry is { } retry)
            {
                var retryPath = WorkflowPaths.Append(path, "retry");
                if (retry.MaxAttempts is < 1 or > WorkflowLimits.MaxAttempts)
                {
                    Add(WorkflowPaths.Append(retryPath, "maxAttempts"), InvalidValue, $"{label}: retry.maxAttempts must be from 1 to {WorkflowLimits.MaxAttempts}, not {retry.MaxAttempts}.", NodeId(node));
                }

                CheckRange(retry.BackoffSeconds, 0, WorkflowLimits.MaxBackoffSeconds, retryPath, "backoffSeconds", node, label);
                CheckRange(retry.BackoffCoefficient, 1, WorkflowLimits.MaxBackoffCoefficient, retryPath, "backoffCoefficient", node, label);
                CheckRange(retry.MaxBackoffSeconds, 0, WorkflowLimits.MaxBackoffSeconds, retryPath, "maxBackoffSeconds", node, label);
            }

            if (node.TimeoutSeconds is { } timeout && (timeout < 1 || timeout > maxTimeoutSeconds))
            {
                Add(WorkflowPaths.Append(path, "timeoutSeconds"), InvalidValue, $"{label}: timeoutSeconds must be from 1 to {maxTimeoutSeconds} on this deployment (the longest an activity may run here), not {timeout}.", NodeId(node));
            }
        }

        private void CheckRange(double value, double min, double max, string retryPath, string name, NodeDefinition node, string label)
        {
            if (!double.IsFinite(value) || value < min || value > max)
            {
                Add(WorkflowPaths.Append(retryPath, name), InvalidValue, $"{label}: retry.{name} must be from {min} to {max}, not {value}.", NodeId(node));
            }
        }

        private void CheckInputs(
            NodeDefinition node,
            int index,
            ComponentShape? shape,
            IReadOnlyList<NodeDefinition?> nodes,
            ComponentShape?[] nodeShapes,
            Dictionary<string, int> indexById)
        {
            var inputsPath = WorkflowPaths.Append(WorkflowPaths.Node(index), "inputs");
            var label = Label(node, index);
            var inputs = node.Inputs ?? new Dictionary<string, JsonElement>();
            foreach (var (name, value) in inputs)
            {
                var field = WorkflowPaths.Append(inputsPath, name);
                ComponentInputDescriptor? declared = null;
                if (shape is not null && !shape.Inputs.TryGetValue(name, out declared))
                {
                    var known = shape.Descriptor.Inputs.Count == 0 ? "it declares no inputs" : $"its inputs are {string.Join(", ", shape.Descriptor.Inputs.Select(d => d.Name))}";
                    Add(field, UnknownInput, $"{label}: component '{WorkflowPaths.Shorten(node.Component)}' has no input '{WorkflowPaths.Shorten(name)}'; {known}.", NodeId(node));
                }

                CheckBindings(node, label, field, value);
                var kind = NodeDependencies.Classify(value, out var reference);
                if (WorkflowInputBinding.TryGetName(value, out var bound))
                {
                    if (declared is not null && declaredInputs.TryGetValue(bound, out var input)
                        && ValueTypeOf(input.Type) is var given && given != ComponentValueType.Any
                        && declared.Type is not ComponentValueType.Any && declared.Type != given
                        && !(declared.Type == ComponentValueType.Number && given == ComponentValueType.Integer))
                    {
                        Add(field, InvalidValue, $"{label}: input '{WorkflowPaths.Shorten(name)}' must be {Article(declared.Type)}, but workflow input '{WorkflowPaths.Shorten(bound)}' is of type {TypeName(input.Type)}.", NodeId(node));
                    }
                }
                else if (kind == InputKind.MalformedReference)
                {
                    Add(WorkflowPaths.Append(field, InputReference.PropertyName), InvalidValue, $"{label}: input '{WorkflowPaths.Shorten(name)}' has $ref {DescribeTarget(value)}; a reference must be a string \"nodeId.outputName\".", NodeId(node));
                }
                else if (kind == InputKind.Reference)
                {
                    CheckReference(node, label, name, reference, WorkflowPaths.Append(field, InputReference.PropertyName), nodes, nodeShapes, indexById);
                }
                else if (NodeDependencies.IsNullOrUndefined(value))
                {
                    if (declared is { Required: true })
                    {
                        Add(field, MissingInput, $"{label}: input '{WorkflowPaths.Shorten(name)}' of component '{WorkflowPaths.Shorten(node.Component)}' is required but is null.", NodeId(node));
                    }
                }
                else if (declared is not null && !Matches(value, declared.Type))
                {
                    Add(field, InvalidValue, $"{label}: input '{WorkflowPaths.Shorten(name)}' must be {Article(declared.Type)}, not {WorkflowPaths.Describe(value)}.", NodeId(node));
                }
                else if (declared?.Rule?.Check(value) is { } fault)
                {
                    // The component would refuse this literal when it runs: refuse it now, naming the input.
                    Add(field, InvalidValue, $"{label}: input '{WorkflowPaths.Shorten(name)}' {(fault.Length <= 300 ? fault : string.Concat(fault.AsSpan(0, 297), "...")).Replace("\0", "\\u0000", StringComparison.Ordinal)}.", NodeId(node));
                }
            }

            if (shape is null)
            {
                return;
            }

            foreach (var input in shape.Descriptor.Inputs)
            {
                if (input.Required && !inputs.ContainsKey(input.Name))
                {
                    var meaning = string.IsNullOrWhiteSpace(input.Description) ? string.Empty : $" ({input.Description.TrimEnd('.')})";
                    Add(WorkflowPaths.Append(inputsPath, input.Name), MissingInput, $"{label}: component '{WorkflowPaths.Shorten(node.Component)}' requires input '{WorkflowPaths.Shorten(input.Name)}'{meaning}.", NodeId(node));
                }
            }
        }

        private void CheckReference(
            NodeDefinition node,
            string label,
            string input,
            InputReference reference,
            string field,
            IReadOnlyList<NodeDefinition?> nodes,
            ComponentShape?[] nodeShapes,
            Dictionary<string, int> indexById)
        {
            if (reference.NodeId == node.Id)
            {
                Add(field, SelfDependency, $"{label}: input '{WorkflowPaths.Shorten(input)}' refers to the node's own output '{WorkflowPaths.Shorten(reference.Output)}'; a node cannot depend on itself.", NodeId(node));
                return;
            }

            if (!indexById.TryGetValue(reference.NodeId, out var targetIndex))
            {
                Add(field, UnknownNode, $"{label}: input '{WorkflowPaths.Shorten(input)}' refers to node '{WorkflowPaths.Shorten(reference.NodeId)}', which is not in this workflow.{DottedIdHint(reference, indexById)}", NodeId(node));
                return;
            }

            if (nodeShapes[targetIndex] is { } targetShape && !targetShape.Outputs.Contains(reference.Output))
            {
                var outputs = targetShape.Descriptor.Outputs.Count == 0 ? "it declares no outputs" : $"its outputs are {string.Join(", ", targetShape.Descriptor.Outputs.Select(o => o.Name))}";
                Add(field, UnknownOutput, $"{label}: input '{WorkflowPaths.Shorten(input)}' refers to output '{WorkflowPaths.Shorten(reference.Output)}' of node '{WorkflowPaths.Shorten(reference.NodeId)}', but component '{WorkflowPaths.Shorten(nodes[targetIndex]!.Component)}' has no such output; {outputs}.", NodeId(node));
            }
        }

        private void CheckDependsOn(NodeDefinition node, int index, Dictionary<string, int> indexById)
        {
            if (node.DependsOn is not { } dependsOn)
            {
                return;
            }

            var path = WorkflowPaths.Append(WorkflowPaths.Node(index), "dependsOn");
            var label = Label(node, index);
            for (var j = 0; j < dependsOn.Count; j++)
            {
                var target = dependsOn[j];
                var field = WorkflowPaths.Append(path, j);
                if (string.IsNullOrEmpty(target))
                {
                    Add(field, UnknownNode, $"{label}: dependsOn entry {j} is empty; it must be the id of another node.", NodeId(node));
                }
                else if (target == node.Id)
                {
                    Add(field, SelfDependency, $"{label} lists itself in dependsOn; a node cannot depend on itself.", NodeId(node));
                }
                else if (!indexById.ContainsKey(target))
                {
                    Add(field, UnknownNode, $"{label} depends on node '{WorkflowPaths.Shorten(target)}', which is not in this workflow.", NodeId(node));
                }
            }
        }

        /// <summary>
        /// Reports each back edge of an iterative depth-first search, in written order, as one cycle. Every
        /// cycle of the graph contains at least one back edge, so fixing the reported cycles leaves none, and
        /// no two reported cycles are the same. Self-dependencies are reported elsewhere and skipped here.
        /// </summary>
        private void FindCycles(IReadOnlyList<NodeDefinition?> nodes, Dictionary<string, int> indexById)
        {
            var edges = NodeDependencies.Resolve(nodes, indexById);
            var count = edges.Length;
            var state = new byte[count]; // 0 unvisited, 1 on the current path, 2 done
            var stackNode = new int[count];
            var stackEdge = new int[count];
            var depthOf = new int[count];
            var found = 0;

            for (var root = 0; root < count; root++)
            {
                if (state[root] != 0)
                {
                    continue;
                }

                stackNode[0] = root;
                stackEdge[0] = 0;
                state[root] = 1;
                depthOf[root] = 0;
                var depth = 1;
                while (depth > 0)
                {
                    var node = stackNode[depth - 1];
                    var edge = stackEdge[depth - 1];
                    if (edge == edges[node].Length)
                    {
                        state[node] = 2;
                        depth--;
                        continue;
                    }

                    stackEdge[depth - 1] = edge + 1;
                    var next = edges[node][edge];
                    if (state[next] == 0)
                    {
                        state[next] = 1;
                        depthOf[next] = depth;
                        stackNode[depth] = next;
                        stackEdge[depth] = 0;
                        depth++;
                    }
                    else if (state[next] == 1)
                    {
                        if (++found <= MaxReportedCycles)
                        {
                            var start = depthOf[next];
                            var cycle = new string[depth - start];
                            for (var k = start; k < depth; k++)
                            {
                                cycle[k - start] = nodes[stackNode[k]]!.Id;
                            }

                            Add("/nodes", Cycle, $"Nodes {DescribeCycle(cycle)} form a cycle: each depends on the next, so none of them can start.", null, cycle);
                        }
                    }
                }
            }

            if (found > MaxReportedCycles)
            {
                Add("/nodes", Cycle, $"{found - MaxReportedCycles} more cycles were found; fix the {MaxReportedCycles} listed first.");
            }
        }

        private static string DescribeTarget(JsonElement reference)
        {
            try
            {
                var target = reference.GetProperty(InputReference.PropertyName);
                return target.ValueKind == JsonValueKind.String ? $"'{WorkflowPaths.Shorten(target.GetString())}'" : WorkflowPaths.Describe(target);
            }
            catch (InvalidOperationException)
            {
                return "that is not valid text";
            }
        }

        private static string DescribeCycle(string[] cycle)
        {
            const int shown = 10;
            var path = cycle.Length <= shown
                ? string.Join(" → ", cycle)
                : $"{string.Join(" → ", cycle.Take(shown / 2))} → … ({cycle.Length - shown} more) … → {string.Join(" → ", cycle.Skip(cycle.Length - (shown / 2)))}";
            return $"{path} → {cycle[0]}";
        }

        /// <summary>A reference splits at its first '.', so a node id with a '.' cannot be referenced; say so when that is the cause.</summary>
        private string DottedIdHint(InputReference reference, Dictionary<string, int> indexById)
        {
            dottedIds ??= [.. indexById.Keys.Where(id => id.Contains('.', StringComparison.Ordinal))];
            var written = reference.ToString();
            foreach (var id in dottedIds)
            {
                if (written.StartsWith(id + ".", StringComparison.Ordinal))
                {
                    return $" Node '{WorkflowPaths.Shorten(id)}' has a '.' in its id, and a $ref splits at the first '.': rename the node to reference it.";
                }
            }

            return string.Empty;
        }

        private ComponentShape? Shape(string component)
        {
            if (!shapes.TryGetValue(component, out var shape))
            {
                shape = catalog.TryGet(component, out var found) && found.Descriptor is { } descriptor
                    ? new ComponentShape(descriptor)
                    : null;
                shapes[component] = shape;
            }

            return shape;
        }

        private static bool Matches(JsonElement value, ComponentValueType type) => type switch
        {
            ComponentValueType.String => value.ValueKind == JsonValueKind.String,
            ComponentValueType.Integer => value.ValueKind == JsonValueKind.Number
                && (value.TryGetInt64(out _) || (value.TryGetDouble(out var number) && double.IsFinite(number) && Math.Floor(number) == number)),
            ComponentValueType.Number => value.ValueKind == JsonValueKind.Number,
            ComponentValueType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            ComponentValueType.Object => value.ValueKind == JsonValueKind.Object,
            ComponentValueType.Array => value.ValueKind == JsonValueKind.Array,
            _ => true,
        };

        private static string Article(ComponentValueType type) => type switch
        {
            ComponentValueType.String => "a string",
            ComponentValueType.Integer => "a whole number",
            ComponentValueType.Number => "a number",
            ComponentValueType.Boolean => "true or false",
            ComponentValueType.Object => "an object",
            ComponentValueType.Array => "an array",
            _ => "any value",
        };

        private static string TypeName(WorkflowInputType type)
            => System.Text.Json.JsonSerializer.SerializeToElement(type, Json.ShipSecJson.Options).GetString()!;

        private static string Label(NodeDefinition node, int index) => WorkflowPaths.NodeLabel(NodeId(node), index);

        private static string? NodeId(NodeDefinition node) => string.IsNullOrEmpty(node.Id) ? null : node.Id;

        // The webhook's host is checked against Alerts:AllowedHosts when it is delivered (a deployment setting).
        private void CheckAlerts(IReadOnlyList<AlertRule> alerts)
        {
            for (var i = 0; i < alerts.Count; i++)
            {
                var rule = alerts[i];
                var at = $"/alerts/{i}";
                if (rule?.Webhook is not { } webhook || string.IsNullOrWhiteSpace(webhook.Url))
                {
                    Add($"{at}/webhook/url", MissingField, "An alert needs a webhook with a url.");
                    continue;
                }

                if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    Add($"{at}/webhook/url", InvalidValue, $"'{WorkflowPaths.Shorten(webhook.Url)}' is not an absolute http or https URL.");
                }

                if (webhook.Secret is not { } secret || secret.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
                {
                    continue;
                }

                if (WorkflowInputBinding.TryGetName(secret, out var name))
                {
                    if (!declaredInputs.TryGetValue(name, out var input) || !input.Secret)
                    {
                        Add($"{at}/webhook/secret/$input", UnknownWorkflowInput, $"The webhook secret must name a secret workflow input; '{name}' is {(input is null ? "not declared" : "not declared secret")}.");
                    }
                }
                else if (secret.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(secret.GetString()))
                {
                    Add($"{at}/webhook/secret", InvalidValue, "The webhook secret is {\"$input\": \"<secret input>\"} or the name of a configured secret (Alerts:Secrets:<name>).");
                }
            }
        }

        private void Add(string field, string code, string message, string? nodeId = null, IReadOnlyList<string>? nodes = null)
            => problems.Add(new WorkflowProblem(field, code, message, nodeId, nodes));
    }

    /// <summary>A component's declared inputs and outputs, indexed for lookups.</summary>
    private sealed class ComponentShape
    {
        public ComponentShape(ComponentDescriptor descriptor)
        {
            Descriptor = descriptor with { Inputs = descriptor.Inputs ?? [], Outputs = descriptor.Outputs ?? [] };
            Inputs = new Dictionary<string, ComponentInputDescriptor>(StringComparer.Ordinal);
            foreach (var input in Descriptor.Inputs)
            {
                Inputs.TryAdd(input.Name, input);
            }

            Outputs = new HashSet<string>(Descriptor.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        }

        public ComponentDescriptor Descriptor { get; }

        public Dictionary<string, ComponentInputDescriptor> Inputs { get; }

        public HashSet<string> Outputs { get; }
    }
}
