using ShipSec.Shared.Dsl;
using ShipSec.Shared.Postgres;

namespace ShipSec.Shared.Tests.Postgres;

public sealed class PostgresWorkflowStoreTests(PostgresSchemaFixture database) : IClassFixture<PostgresSchemaFixture>
{
    private readonly PostgresWorkflowStore _store = new(database.DataSource);

    [Fact]
    public async Task Saving_an_id_again_adds_the_next_version_and_get_returns_the_latest()
    {
        var id = "wf-" + Guid.NewGuid().ToString("N");

        var first = await _store.SaveAsync(Definition(id, "Recon v1"));
        var second = await _store.SaveAsync(Definition(id, "Recon v2"));
        var latest = await _store.GetAsync(id);

        Assert.Equal((1, 2), (first.Version, second.Version));
        Assert.Equal((2, "Recon v2"), (latest!.Version, latest.Definition.Name));
        Assert.Equal(["discover", "probe"], latest.Definition.Nodes.Select(n => n.Id));
        Assert.Equal(["discover"], latest.Definition.Nodes[1].DependsOn);
        Assert.Equal(3, latest.Definition.Nodes[1].Retry?.MaxAttempts);
        Assert.Null(await _store.GetAsync("no-such-workflow"));
    }

    [Fact]
    public async Task Concurrent_saves_of_one_id_get_distinct_consecutive_versions()
    {
        var id = "wf-" + Guid.NewGuid().ToString("N");

        var saved = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => _store.SaveAsync(Definition(id, $"v{i}")))));

        Assert.Equal(Enumerable.Range(1, 8), saved.Select(s => s.Version).Order());
        Assert.Equal(8, (await _store.GetAsync(id))!.Version);
    }

    private static WorkflowDefinition Definition(string id, string name) => new()
    {
        Id = id,
        Name = name,
        Nodes =
        [
            new NodeDefinition { Id = "discover", Component = "security.subdomains" },
            new NodeDefinition { Id = "probe", Component = "security.http-probe", DependsOn = ["discover"], Retry = new RetryPolicy { MaxAttempts = 3 } },
        ],
    };
}
