using Microsoft.DurableTask;

namespace ShipSec.Orchestrations;

/// <summary>
/// Runs a batch of a large run's nodes that were ready together, at most <see cref="NodeBatchInput.Parallelism"/> at
/// once, each with its retries and timeout, and answers how each ended. A large run fans out through these so that no
/// single history grows with its node count: the run's own history holds one entry per batch, each batch's history
/// one per attempt of its few nodes.
/// </summary>
public sealed class NodeBatchOrchestrator : TaskOrchestrator<NodeBatchInput, IReadOnlyList<NodeRunResult>>
{
    /// <inheritdoc />
    public override async Task<IReadOnlyList<NodeRunResult>> RunAsync(TaskOrchestrationContext context, NodeBatchInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var traceParent = input.Nodes.Count > 0 ? input.Nodes[0].TraceParent : null;
        var run = new RunScope(input.RunId, traceParent, input.RunStartedAt);
        var waiting = new Queue<RunNodeInput>(input.Nodes);
        var running = new Dictionary<Task<NodeAttemptResult>, string>();
        var results = new Dictionary<string, NodeAttemptResult>(StringComparer.Ordinal);
        while (waiting.Count > 0 || running.Count > 0)
        {
            while (running.Count < Math.Max(1, input.Parallelism) && waiting.TryDequeue(out var node))
            {
                running.Add(NodeAttempts.RunWithRetriesAsync(context, run, node), node.Node.Id);
            }

            var done = await Task.WhenAny(running.Keys);
            results[running[done]] = await done;
            running.Remove(done);
        }

        return [.. input.Nodes.Select(node => new NodeRunResult(node.Node.Id, results[node.Node.Id]))];
    }
}
