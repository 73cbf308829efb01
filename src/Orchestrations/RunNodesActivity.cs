using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ShipSec.Shared.Trace;

namespace ShipSec.Orchestrations;

/// <summary>
/// Runs the first attempts of a batch of a large run's nodes that were ready together, at most
/// <see cref="NodeBatchInput.Parallelism"/> at once, each exactly as <see cref="RunNodeActivity"/> runs one (its trace, timeout,
/// cancellation and outputs), and answers how each ended. One activity for the batch is one queue round trip for all
/// its nodes: with a round trip per node, a large run spent its time on the queues, not in its nodes.
/// </summary>
public sealed class RunNodesActivity(RunNodeActivity runNode, ILogger<RunNodesActivity> logger) : TaskActivity<NodeBatchInput, IReadOnlyList<NodeRunResult>>
{
    /// <inheritdoc />
    public override async Task<IReadOnlyList<NodeRunResult>> RunAsync(TaskActivityContext context, NodeBatchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var results = new NodeRunResult[input.Nodes.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, input.Parallelism) };
        await Parallel.ForEachAsync(Enumerable.Range(0, input.Nodes.Count), options, async (index, _) =>
        {
            var node = input.Nodes[index];
            results[index] = new NodeRunResult(node.Node.Id, await RunOneAsync(context, node));
        });

        return results;
    }

    private async Task<NodeAttemptResult> RunOneAsync(TaskActivityContext context, RunNodeInput node)
    {
        try
        {
            return await runNode.RunAsync(context, node);
        }
#pragma warning disable CA1031 // One node's broken attempt (its trace could not be flushed) must not take its batch's other results with it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            OrchestrationLogs.BatchAttemptBroke(logger, exception, node.RunId, node.Node.Id, node.Attempt);
            return new NodeAttemptResult(NodeAttemptOutcome.Failed, null, new TraceError(exception.Message, NodeAttempts.ActivityFailedKind, node.Attempt < node.MaxAttempts));
        }
    }
}
