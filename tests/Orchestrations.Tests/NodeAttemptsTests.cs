using ShipSec.Shared.Dsl;

namespace ShipSec.Orchestrations.Tests;

/// <summary>How long the orchestrator waits for a batch of nodes before it stops waiting (a batch that never answers).</summary>
public sealed class NodeAttemptsTests
{
    [Fact]
    public void A_batch_is_given_its_nodes_timeouts_as_run_at_its_parallelism_plus_the_grace()
    {
        RunNodeInput[] batch = [Attempt("a", 10), Attempt("b", 20), Attempt("c", 30)];

        // One at a time: every timeout in a row could not take longer than their sum; the longest is added because a
        // node may start at any moment of the others' run.
        Assert.Equal(TimeSpan.FromSeconds(60 + 30) + NodeAttempts.TimeoutGrace, NodeAttempts.BatchDeadline(batch, parallelism: 1));
        Assert.Equal(TimeSpan.FromSeconds(20 + 30) + NodeAttempts.TimeoutGrace, NodeAttempts.BatchDeadline(batch, parallelism: 3));
    }

    [Fact]
    public void A_batch_with_a_node_without_a_timeout_is_waited_for_as_long_as_it_takes()
        => Assert.Null(NodeAttempts.BatchDeadline([Attempt("a", 10), Attempt("b", null)], parallelism: 2));

    [Fact]
    public void A_nodes_upstream_outputs_count_toward_its_batch_by_their_inline_size_and_a_blob_reference_by_little()
    {
        var text = new string('x', 10_000);
        var attempt = Attempt("report", null) with
        {
            Upstream = new Dictionary<string, NodeOutputs>
            {
                ["scan"] = new(new Dictionary<string, System.Text.Json.JsonElement> { ["stdout"] = System.Text.Json.JsonSerializer.SerializeToElement(text) }, null),
                ["probe"] = new(null, new ShipSec.Shared.Artifacts.ArtifactReference
                {
                    ArtifactId = "probe.1.outputs", Name = "outputs.json", ContentType = "application/json", Size = 2_000_000,
                    Sha256 = new string('0', 64), Container = "artifacts", BlobName = "run/probe/1/outputs.json",
                }),
            },
        };

        Assert.InRange(NodeAttempts.UpstreamBytes(attempt), 10_000, 11_000);
    }

    private static RunNodeInput Attempt(string id, int? timeoutSeconds) => new()
    {
        RunId = "run",
        Node = new NodeDefinition { Id = id, Component = "core.log", TimeoutSeconds = timeoutSeconds },
        Attempt = 1,
    };
}
