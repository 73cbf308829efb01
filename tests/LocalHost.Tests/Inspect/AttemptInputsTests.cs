using System.Net.Http.Json;
using System.Text.Json;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Json;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Inspect;

/// <summary>What the node inspector says each attempt received: references resolved, secrets masked, large values in Blob.</summary>
public sealed class AttemptInputsTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
{
    private const string Secret = "hunter2-secret-token";
    private static readonly string Big = new('x', 10_000);

    private static readonly string Workflow = JsonSerializer.Serialize(new
    {
        id = "inspect-inputs",
        name = "inputs",
        inputs = new Dictionary<string, object>
        {
            ["token"] = new { type = "string", secret = true, @default = Secret },
            ["big"] = new { type = "string", @default = Big },
        },
        nodes = new object[]
        {
            new { id = "pick", component = "core.exec", inputs = new { command = "bash", args = new[] { "-c", "echo picked-value" } } },
            new { id = "say", component = "core.log", inputs = new Dictionary<string, object> { ["message"] = Ref("pick.lastLine"), ["count"] = 2 } },
            new
            {
                id = "env",
                component = "core.exec",
                inputs = new Dictionary<string, object>
                {
                    ["command"] = "bash",
                    ["args"] = new[] { "-c", "echo ok" },
                    ["environment"] = new Dictionary<string, object> { ["TOKEN"] = Bind("token") },
                },
            },
            new { id = "leak", component = "core.log", inputs = new Dictionary<string, object> { ["message"] = Bind("token") } },
            new { id = "large", component = "core.log", inputs = new Dictionary<string, object> { ["message"] = Bind("big") } },
        },
    });

    [Fact]
    public async Task Each_attempt_shows_its_inputs_after_references_resolved_with_secrets_masked_and_large_values_linked()
    {
        var runId = await host.StartRunAsync(Workflow);
        Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(runId)).Status);

        var say = await InputsAsync(runId, "say");
        Assert.Equal("picked-value", say.GetProperty("message").GetString());
        Assert.Equal(2, say.GetProperty("count").GetInt32());

        // A secret input of the component is masked whole; a secret run input is masked wherever it lands.
        Assert.Equal(SecretRedactor.Mask, (await InputsAsync(runId, "env")).GetProperty("environment").GetString());
        Assert.Equal(SecretRedactor.Mask, (await InputsAsync(runId, "leak")).GetProperty("message").GetString());
        var inspected = await host.Http.GetStringAsync(new Uri($"api/workflows/runs/{runId}/nodes/leak", UriKind.Relative));
        Assert.DoesNotContain(Secret, inspected, StringComparison.Ordinal);

        var link = (await InputsAsync(runId, "large")).GetProperty("message").GetProperty(TraceInputs.BlobProperty).Deserialize<ArtifactReference>(ShipSecJson.Options)!;
        Assert.True(link.Size > TraceInputs.MaxInlineValueBytes);
        var fetched = await host.Http.GetFromJsonAsync<string>(new Uri($"api/workflows/runs/{runId}/artifacts/{link.ArtifactId}", UriKind.Relative));
        Assert.Equal(Big, fetched);
    }

    private async Task<JsonElement> InputsAsync(string runId, string nodeId)
    {
        var inspection = await host.Http.GetFromJsonAsync<NodeInspection>(new Uri($"api/workflows/runs/{runId}/nodes/{nodeId}", UriKind.Relative), ShipSecJson.Options);
        var attempt = Assert.Single(inspection!.Attempts);
        Assert.NotNull(attempt.Inputs);
        return attempt.Inputs.Value;
    }

    private static Dictionary<string, string> Ref(string reference) => new() { ["$ref"] = reference };

    private static Dictionary<string, string> Bind(string input) => new() { ["$input"] = input };
}
