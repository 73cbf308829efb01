using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Scanning;

/// <summary>
/// Runs that take inputs, the deployment scope, and findings end to end through the API. The host's scope is
/// narrowed to 127.0.0.1/32, so 127.0.0.2 is out of scope; every scan targets a listener this test opens.
/// </summary>
public sealed class InputsScopeAndFindingsTests(NarrowScopeLocalHostFixture host) : IClassFixture<NarrowScopeLocalHostFixture>
{
    [Fact]
    public async Task Every_kind_of_bad_input_value_is_refused_at_start_naming_the_field_and_nothing_is_stored()
    {
        await RegisterAsync(new
        {
            id = "typed-inputs",
            name = "typed inputs",
            inputs = new Dictionary<string, object>
            {
                ["target"] = new { type = "host", required = true },
                ["count"] = new { type = "integer", @default = 3 },
                ["flag"] = new { type = "boolean", @default = false },
                ["names"] = new { type = "string[]", @default = Array.Empty<string>() },
                ["ports"] = new { type = "ports", @default = "80" },
                ["label"] = new { type = "string", @default = "x" },
            },
            nodes = new[] { new { id = "say", component = "core.log", inputs = new Dictionary<string, object> { ["message"] = new Dictionary<string, string> { ["$input"] = "label" } } } },
        });

        (object? Body, string Field, string Code)[] cases =
        [
            (null, "/inputs/target", "missing-input"),
            (new { inputs = new { target = "127.0.0.1", nope = 1 } }, "/inputs/nope", "unknown-input"),
            (new { inputs = new { target = "not a host!" } }, "/inputs/target", "invalid-value"),
            (new { inputs = new { target = 12 } }, "/inputs/target", "invalid-value"),
            (new { inputs = new { target = "127.0.0.1", count = "three" } }, "/inputs/count", "invalid-value"),
            (new { inputs = new { target = "127.0.0.1", count = 1.5 } }, "/inputs/count", "invalid-value"),
            (new { inputs = new { target = "127.0.0.1", flag = "yes" } }, "/inputs/flag", "invalid-value"),
            (new { inputs = new { target = "127.0.0.1", names = new object[] { "a", 1 } } }, "/inputs/names", "invalid-value"),
            (new { inputs = new { target = "127.0.0.1", ports = "80-70" } }, "/inputs/ports", "invalid-value"),
            (new { inputs = new { target = "127.0.0.1", ports = 70000 } }, "/inputs/ports", "invalid-value"),
            (new { inputs = new { target = "127.0.0.1", label = true } }, "/inputs/label", "invalid-value"),
            (new { inputs = new { target = "127.0.0.2" } }, "/inputs/target", "out-of-scope"),
            (new { inputs = new { target = "127.0.0.0/8" } }, "/inputs/target", "out-of-scope"),
        ];
        foreach (var (body, field, code) in cases)
        {
            using var response = await StartAsync("typed-inputs", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)} → {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var error = Assert.Single(JsonNode.Parse(text)!["errors"]!.AsArray());
            Assert.Equal(field, error!["field"]!.GetValue<string>());
            Assert.Equal(code, error["code"]!.GetValue<string>());
        }

        var runs = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("api/workflows/runs?workflowId=typed-inputs", UriKind.Relative));
        Assert.Equal(0, runs.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task An_input_binding_to_an_undeclared_input_is_a_validation_problem()
    {
        var workflow = JsonSerializer.Serialize(new
        {
            id = "undeclared-input",
            name = "undeclared",
            inputs = new { known = new { type = "string", @default = "x" } },
            nodes = new[] { new { id = "say", component = "core.log", inputs = new Dictionary<string, object> { ["message"] = new Dictionary<string, string> { ["$input"] = "nope" } } } },
        });
        using var content = new StringContent(workflow, Encoding.UTF8, "application/json");

        using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray());
        Assert.Equal("unknown-workflow-input", error.GetProperty("code").GetString());
        Assert.Equal("/nodes/0/inputs/message/$input", error.GetProperty("field").GetString());
        Assert.Contains("known", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_resolved_from_upstream_outside_the_scope_fails_the_node_with_kind_out_of_scope()
    {
        await RegisterAsync(new
        {
            id = "upstream-target",
            name = "upstream target",
            nodes = new object[]
            {
                new { id = "pick", component = "core.exec", inputs = new { command = "bash", args = new[] { "-c", "echo 127.0.0.2" } } },
                new
                {
                    id = "scan",
                    component = "security.port-scan",
                    inputs = new Dictionary<string, object> { ["host"] = new Dictionary<string, string> { ["$ref"] = "pick.lastLine" }, ["ports"] = "80" },
                    retry = new { maxAttempts = 3, backoffSeconds = 0 },
                },
            },
        });
        using var started = await StartAsync("upstream-target", null);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;

        var summary = await host.WaitForEndAsync(runId);

        Assert.Equal(RunStatus.Failed, summary.Status);
        var failed = Assert.Single(await host.GetTraceAsync(runId), e => e is { Type: TraceEventType.NodeFailed, NodeId: "scan" });
        Assert.Equal("out-of-scope", failed.Error!.Kind);
        Assert.False(failed.Error.WillRetry);
        Assert.Contains("127.0.0.2", failed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Findings_are_indexed_counted_served_as_sarif_stable_across_runs_and_survive_replay()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        const string Secret = "s3cr3t-token-value";
        await RegisterAsync(new
        {
            id = "findings-run",
            name = "findings",
            inputs = new Dictionary<string, object>
            {
                ["target"] = new { type = "host", @default = "127.0.0.1" },
                ["ports"] = new { type = "ports", required = true },
                ["token"] = new { type = "string", secret = true, @default = "unset" },
            },
            nodes = new object[]
            {
                new
                {
                    id = "scan",
                    component = "security.nmap",
                    inputs = new Dictionary<string, object> { ["host"] = Bind("target"), ["ports"] = Bind("ports") },
                },
                new { id = "say", component = "core.log", inputs = new Dictionary<string, object> { ["message"] = Bind("token") } },
            },
        });
        var inputs = new { inputs = new { ports = port.ToString(System.Globalization.CultureInfo.InvariantCulture), token = Secret } };

        var runId = await RunToEndAsync("findings-run", inputs);
        var otherRunId = await RunToEndAsync("findings-run", inputs);

        var status = await host.GetStatusAsync(runId);
        Assert.Equal("127.0.0.1", status.Inputs!["target"].GetString());
        Assert.Equal("***", status.Inputs["token"].GetString());
        Assert.Equal(new FindingCounts(Info: 1), status.Findings);
        var trace = await host.GetTraceAsync(runId);
        Assert.DoesNotContain(trace, e => JsonSerializer.Serialize(e, ShipSecJson.Options).Contains(Secret, StringComparison.Ordinal));
        var findingEvent = Assert.Single(trace, e => e.Type == TraceEventType.NodeFinding);
        Assert.Equal(TraceEventLevel.Info, findingEvent.Level);

        var findings = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{runId}/findings", UriKind.Relative));
        var finding = Assert.Single(findings.GetProperty("findings").EnumerateArray());
        Assert.Equal(findingEvent.Finding!.Fingerprint, finding.GetProperty("fingerprint").GetString());
        Assert.Equal(port, finding.GetProperty("asset").GetProperty("port").GetInt32());
        Assert.Equal("scan", finding.GetProperty("nodeId").GetString());
        Assert.Equal(findingEvent.Sequence, finding.GetProperty("sequence").GetInt64());
        Assert.Equal(1, findings.GetProperty("counts").GetProperty("info").GetInt32());
        var high = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{runId}/findings?severity=high", UriKind.Relative));
        Assert.Equal(0, high.GetProperty("findings").GetArrayLength());
        var other = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/workflows/runs/{otherRunId}/findings?nodeId=scan", UriKind.Relative));
        Assert.Equal(finding.GetProperty("fingerprint").GetString(), Assert.Single(other.GetProperty("findings").EnumerateArray()).GetProperty("fingerprint").GetString());

        using var sarifResponse = await host.Http.GetAsync(new Uri($"api/workflows/runs/{runId}/findings?format=sarif", UriKind.Relative));
        Assert.Equal("application/sarif+json", sarifResponse.Content.Headers.ContentType?.MediaType);
        var sarifText = await sarifResponse.Content.ReadAsStringAsync();
        var sarif = JsonNode.Parse(sarifText)!;
        using var sarifDocument = JsonDocument.Parse(sarifText);
        var evaluation = SarifSchema().Evaluate(sarifDocument.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.True(evaluation.IsValid, JsonSerializer.Serialize(evaluation));
        var result = Assert.Single(sarif["runs"]![0]!["results"]!.AsArray())!;
        Assert.Equal(findingEvent.Finding.Fingerprint, result["partialFingerprints"]!["shipsecFingerprint/v1"]!.GetValue<string>());
        Assert.Equal("network.open-port", sarif["runs"]![0]!["tool"]!["driver"]!["rules"]![0]!["id"]!.GetValue<string>());

        var before = await StateAsync(runId, findingEvent.Sequence - 1);
        var at = await StateAsync(runId, findingEvent.Sequence);
        Assert.Empty(before.Findings);
        Assert.Equal(findingEvent.Finding.Fingerprint, Assert.Single(at.Findings).Fingerprint);
        var scan = Assert.Single(at.Nodes, n => n.NodeId == "scan");
        Assert.Equal(1, scan.FindingCount);
        Assert.Equal(FindingSeverity.Info, scan.HighestSeverity);
    }

    private static Dictionary<string, string> Bind(string input) => new() { ["$input"] = input };

    private static JsonSchema SarifSchema()
    {
        using var stream = typeof(InputsScopeAndFindingsTests).Assembly.GetManifestResourceStream("sarif-2.1.0-subset.schema.json")!;
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    }

    private async Task<RunState> StateAsync(string runId, long sequence)
        => (await host.Http.GetFromJsonAsync<RunState>(new Uri($"api/workflows/runs/{runId}/state?sequence={sequence}", UriKind.Relative), ShipSecJson.Options))!;

    private async Task<string> RunToEndAsync(string workflowId, object inputs)
    {
        using var started = await StartAsync(workflowId, inputs);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var summary = await host.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.Completed, summary.Status);
        return runId;
    }

    private async Task RegisterAsync(object workflow)
    {
        using var content = new StringContent(JsonSerializer.Serialize(workflow), Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync(new Uri("api/workflows", UriKind.Relative), content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> StartAsync(string workflowId, object? body)
        => host.Http.PostAsync(
            new Uri($"api/workflows/{workflowId}/runs", UriKind.Relative),
            body is null ? null : new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
}
