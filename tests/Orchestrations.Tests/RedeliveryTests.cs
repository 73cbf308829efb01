using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Artifacts;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Sdk;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.Orchestrations.Tests;

/// <summary>A node activity delivered twice keeps both deliveries' trace, however far the consumer lags.</summary>
public sealed class RedeliveryTests : IAsyncLifetime
{
    private IsolatedLocalHost host = null!;

    public async Task InitializeAsync() => host = await IsolatedLocalHost.StartAsync("InMemory", "redeliver", TimeSpan.FromSeconds(30));

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_redelivery_while_the_consumer_has_stored_nothing_keeps_both_deliveries_once_each()
    {
        // The transport acknowledged the first delivery's events, but the consumer has not stored them yet
        // (Event Hubs between the activity and PostgreSQL): the redelivered activity cannot learn from the
        // store that it is a second delivery.
        var lagging = new LaggingConsumer();
        var services = host.Services;
        var activity = new RunNodeActivity(
            services.GetRequiredService<IComponentCatalog>(), lagging, services.GetRequiredService<IArtifactStore>(),
            services.GetRequiredService<RunCancellationWatcher>(), services.GetRequiredService<ProcessSandbox>(),
            services.GetRequiredService<IOptions<TraceLimitsOptions>>(), TimeProvider.System, NullLogger<RunNodeActivity>.Instance);
        var runId = $"run-{Guid.NewGuid():N}";
        var input = new RunNodeInput
        {
            RunId = runId,
            Attempt = 1,
            Node = new NodeDefinition
            {
                Id = "say",
                Component = "core.log",
                Inputs = new Dictionary<string, JsonElement> { ["message"] = JsonSerializer.SerializeToElement("hello"), ["count"] = JsonSerializer.SerializeToElement(3) },
            },
        };

        await activity.RunAsync(new FakeActivityContext(runId), input);

        // The worker stopped before the first delivery finished: its end never left the machine.
        var firstDelivery = lagging.Take().Where(e => e.Type != TraceEventType.NodeCompleted).ToList();
        await activity.RunAsync(new FakeActivityContext(runId), input);
        var secondDelivery = lagging.Take();

        // The consumer catches up: everything both deliveries sent reaches the store, resends included.
        var traces = services.GetRequiredService<ITraceStore>();
        await traces.AppendAsync([.. firstDelivery, .. secondDelivery, .. firstDelivery]);
        var stored = (await traces.ReadAsync(runId, 0, 1000)).Events;

        Assert.Equal(2, stored.Count(e => e.Type == TraceEventType.NodeStarted));
        Assert.Equal(6, stored.Count(e => e.Type == TraceEventType.NodeLog));
        Assert.Equal(2, stored.Count(e => e.Message == "hello [1/3]"));
        Assert.Single(stored, e => e.Type == TraceEventType.NodeCompleted);
        var folder = new RunStateFolder(runId, "redelivery", ["say"]);
        foreach (var traceEvent in stored)
        {
            folder.Apply(traceEvent);
        }

        var node = Assert.Single(folder.State().Nodes);
        Assert.Equal(2, node.Deliveries);
        Assert.Equal(NodeStatus.Completed, node.Status);
        Assert.Equal(6, node.LogCount);
    }

    /// <summary>Acknowledges every batch at once and stores nothing until the test says so.</summary>
    private sealed class LaggingConsumer : ITracePublisher
    {
        private readonly List<TraceEvent> events = [];

        /// <summary>What was published since the last take.</summary>
        public List<TraceEvent> Take()
        {
            lock (events)
            {
                List<TraceEvent> taken = [.. events];
                events.Clear();
                return taken;
            }
        }

        public Task PublishAsync(IReadOnlyList<TraceEvent> batch, CancellationToken cancellationToken = default)
        {
            lock (events)
            {
                events.AddRange(batch);
            }

            return Task.CompletedTask;
        }
    }

    private sealed class FakeActivityContext(string instanceId) : TaskActivityContext
    {
        public override TaskName Name => new(ActivityNames.RunNode);

        public override string InstanceId => instanceId;
    }
}
