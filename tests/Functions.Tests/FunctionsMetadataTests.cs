using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using ShipSec.Functions.Durable;
using ShipSec.Orchestrations;

namespace ShipSec.Functions.Tests;

/// <summary>
/// The Functions host indexes the app from <c>functions.metadata</c>: a function missing from it, or listed
/// with the wrong trigger, route or verb, simply does not exist in Azure. These tests read the file the
/// Worker SDK wrote into the app's build output and hold it against the [Function] methods in the assembly.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Assembly FunctionsAssembly = typeof(DurableFunctions).Assembly;

    [Fact]
    public void Every_function_in_the_assembly_is_listed_with_its_trigger()
    {
        var metadata = FunctionsMetadata.Load();
        var declared = DeclaredFunctions().ToList();

        Assert.NotEmpty(declared);
        foreach (var function in declared)
        {
            var entry = metadata.Find(function.Name);
            Assert.True(entry is not null, $"functions.metadata has no entry for [Function(\"{function.Name}\")] {function.EntryPoint}.");
            Assert.Equal(function.EntryPoint, entry.EntryPoint);
            Assert.Equal("ShipSec.Functions.dll", entry.ScriptFile);
            Assert.Equal(function.TriggerType, entry.Trigger.Type);
        }

        Assert.Equal(declared.Select(f => f.Name).Order(), metadata.Functions.Select(f => f.Name).Order());
    }

    [Fact]
    public void Every_http_function_is_listed_with_its_route_and_methods()
    {
        var metadata = FunctionsMetadata.Load();
        var http = DeclaredFunctions().Where(f => f.Http is not null).ToList();

        Assert.NotEmpty(http);
        foreach (var function in http)
        {
            var trigger = metadata.Find(function.Name)!.Trigger;
            Assert.Equal("httpTrigger", trigger.Type);
            Assert.Equal(function.Http!.Route, trigger.Route);
            Assert.Equal(
                (function.Http.Methods ?? []).Select(m => m.ToLowerInvariant()).Order(),
                trigger.Methods.Select(m => m.ToLowerInvariant()).Order());
            Assert.Equal(function.Http.AuthLevel.ToString(), trigger.AuthLevel);
        }
    }

    [Theory]
    [InlineData("CreateWorkflow", "post", "workflows")]
    [InlineData("GetWorkflow", "get", "workflows/{workflowId}")]
    [InlineData("StartRun", "post", "workflows/{workflowId}/runs")]
    [InlineData("ListRuns", "get", "workflows/runs")]
    [InlineData("GetRunStatus", "get", "workflows/runs/{runId}/status")]
    [InlineData("GetRunTrace", "get", "workflows/runs/{runId}/trace")]
    [InlineData("CancelRun", "post", "workflows/runs/{runId}/cancel")]
    [InlineData("DownloadArtifact", "get", "workflows/runs/{runId}/artifacts/{artifactId}")]
    [InlineData("Health", "get", "health")]
    [InlineData("GetRunState", "get", "workflows/runs/{runId}/state")]
    [InlineData("DiffRuns", "get", "workflows/runs/{runId}/diff/{otherRunId}")]
    [InlineData("GetRunTimeline", "get", "workflows/{workflowId}/runs/timeline")]
    [InlineData("GetWorkflowVersion", "get", "workflows/{workflowId}/versions/{version}")]
    public void The_api_routes_are_http_triggers(string name, string method, string route)
    {
        var entry = FunctionsMetadata.Load().Find(name);

        Assert.True(entry is not null, $"functions.metadata has no HTTP function '{name}'.");
        Assert.Equal("httpTrigger", entry.Trigger.Type);
        Assert.Equal(route, entry.Trigger.Route);
        Assert.Equal([method], entry.Trigger.Methods);
    }

    [Fact]
    public void The_route_table_and_the_http_functions_in_functions_metadata_are_the_same()
    {
        var metadata = FunctionsMetadata.Load();
        var http = metadata.Functions.Where(f => f.Trigger.Type == "httpTrigger").ToList();

        Assert.Equal(
            ShipSec.Functions.Http.ApiRoutes.Table.Select(r => r.Function).Order(StringComparer.Ordinal),
            http.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var function in http)
        {
            var row = ShipSec.Functions.Http.ApiRoutes.ForFunction(function.Name)!;
            Assert.Equal(row.Template, function.Trigger.Route);
            Assert.Equal([row.Method.ToLowerInvariant()], function.Trigger.Methods.Select(m => m.ToLowerInvariant()));

            // The Functions host lets every request through to ApiGate, which applies the row's role.
            Assert.Equal("Anonymous", function.Trigger.AuthLevel);
        }
    }

    [Fact]
    public void Run_and_cancel_get_a_durable_client()
    {
        var metadata = FunctionsMetadata.Load();

        Assert.Contains("durableClient", metadata.Find("StartRun")!.BindingTypes);
        Assert.Contains("durableClient", metadata.Find("CancelRun")!.BindingTypes);
        Assert.Contains("durableClient", metadata.Find("CreateSchedule")!.BindingTypes);
        // The schedule ticker's activity starts runs, so it needs a client as the start route does.
        Assert.Contains("durableClient", metadata.Find(ShipSec.Functions.Durable.ScheduleTicker.FireDueActivityName)!.BindingTypes);
    }

    [Theory]
    [InlineData(OrchestratorNames.WorkflowRun, "orchestrationTrigger")]
    [InlineData(ActivityNames.RunNode, "activityTrigger")]
    [InlineData(ActivityNames.RecordRunEvents, "activityTrigger")]
    [InlineData(ShipSec.Functions.Durable.ScheduleTicker.OrchestratorName, "orchestrationTrigger")]
    [InlineData(ShipSec.Functions.Durable.ScheduleTicker.FireDueActivityName, "activityTrigger")]
    public void The_orchestrator_and_activities_are_durable_triggers(string name, string triggerType)
    {
        var entry = FunctionsMetadata.Load().Find(name);

        Assert.True(entry is not null, $"functions.metadata has no durable function '{name}'.");
        Assert.Equal(triggerType, entry.Trigger.Type);
    }

    [Fact]
    public void Every_orchestrator_and_activity_the_local_host_runs_is_a_function_too()
    {
        var metadata = FunctionsMetadata.Load();

        foreach (var orchestrator in OrchestrationCatalog.Orchestrators.Keys)
        {
            Assert.Equal("orchestrationTrigger", metadata.Find(orchestrator)?.Trigger.Type);
        }

        foreach (var activity in OrchestrationCatalog.Activities.Keys)
        {
            Assert.Equal("activityTrigger", metadata.Find(activity)?.Trigger.Type);
        }
    }

    private static IEnumerable<DeclaredFunction> DeclaredFunctions()
        => from type in FunctionsAssembly.GetTypes()
           from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
           let function = method.GetCustomAttribute<FunctionAttribute>()
           where function is not null
           select DeclaredFunction.From(function.Name, method);

    /// <summary>A [Function] method as the assembly declares it.</summary>
    private sealed record DeclaredFunction(string Name, string EntryPoint, string TriggerType, HttpTriggerAttribute? Http)
    {
        public static DeclaredFunction From(string name, MethodInfo method)
        {
            var triggers = method.GetParameters()
                .SelectMany(p => p.GetCustomAttributes())
                .Where(a => a.GetType().Name.EndsWith("TriggerAttribute", StringComparison.Ordinal))
                .ToList();
            Assert.True(triggers.Count == 1, $"{method.DeclaringType}.{method.Name} must have exactly one trigger parameter.");

            // The Worker SDK names a binding after its attribute: HttpTriggerAttribute -> "httpTrigger".
            var attributeName = triggers[0].GetType().Name[..^"Attribute".Length];
            return new DeclaredFunction(
                name,
                $"{method.DeclaringType!.FullName}.{method.Name}",
                char.ToLowerInvariant(attributeName[0]) + attributeName[1..],
                triggers[0] as HttpTriggerAttribute);
        }
    }
}

/// <summary>The parts of <c>functions.metadata</c> the host reads to index the app.</summary>
internal sealed record FunctionsMetadata(IReadOnlyList<FunctionsMetadata.Entry> Functions)
{
    public static string FilePath => Path.Combine(BuildLayout.FunctionsOutputDirectory, "functions.metadata");

    public static FunctionsMetadata Load()
    {
        Assert.True(File.Exists(FilePath), $"The Functions build output has no functions.metadata ({FilePath}): the Worker SDK did not index the app.");
        using var document = JsonDocument.Parse(File.ReadAllBytes(FilePath));
        return new FunctionsMetadata([.. document.RootElement.EnumerateArray().Select(Entry.From)]);
    }

    public Entry? Find(string name) => Functions.SingleOrDefault(f => f.Name == name);

    internal sealed record Entry(string Name, string EntryPoint, string ScriptFile, IReadOnlyList<Binding> Bindings)
    {
        public Binding Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.Ordinal));

        public IEnumerable<string> BindingTypes => Bindings.Select(b => b.Type);

        public static Entry From(JsonElement element) => new(
            element.GetProperty("name").GetString()!,
            element.GetProperty("entryPoint").GetString()!,
            element.GetProperty("scriptFile").GetString()!,
            [.. element.GetProperty("bindings").EnumerateArray().Select(Binding.From)]);
    }

    internal sealed record Binding(string Type, string? Route, IReadOnlyList<string> Methods, string? AuthLevel)
    {
        public static Binding From(JsonElement element) => new(
            element.GetProperty("type").GetString()!,
            element.TryGetProperty("route", out var route) ? route.GetString() : null,
            element.TryGetProperty("methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!)] : [],
            element.TryGetProperty("authLevel", out var authLevel) ? authLevel.GetString() : null);
    }
}
