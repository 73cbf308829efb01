using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests;

/// <summary><c>core.exec</c> runs only what the deployment allows, and says why when it refuses.</summary>
public sealed class ExecPolicyTests
{
    private const string ExecWorkflow = """
        { "id": "exec-policy", "name": "exec policy", "nodes": [
          { "id": "tool", "component": "core.exec", "retry": { "maxAttempts": 3, "backoffSeconds": 1 },
            "inputs": { "command": "%COMMAND%", "args": ["-c", "echo ran"] } } ] }
        """;

    public sealed class Disabled(ExecDisabledLocalHostFixture host) : IClassFixture<ExecDisabledLocalHostFixture>
    {
        [Fact]
        public async Task A_deployment_that_does_not_enable_exec_fails_the_node_once_with_exec_disabled()
        {
            var runId = await host.StartRunAsync(ExecWorkflow.Replace("%COMMAND%", "bash", StringComparison.Ordinal));

            var summary = await host.WaitForEndAsync(runId);

            Assert.Equal(RunStatus.Failed, summary.Status);
            var trace = await host.GetTraceAsync(runId);
            var failed = Assert.Single(trace, e => e is { NodeId: "tool", Type: TraceEventType.NodeFailed });
            Assert.Equal("exec-disabled", failed.Error!.Kind);
            Assert.False(failed.Error.WillRetry);
            Assert.Contains("Components:Exec:Enabled", failed.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(trace, e => e.Message == "ran");
        }
    }

    public sealed class AllowList(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>
    {
        [Fact]
        public async Task A_program_off_the_allow_list_is_refused_and_one_on_it_runs()
        {
            var refused = await host.StartRunAsync(ExecWorkflow.Replace("%COMMAND%", "sh", StringComparison.Ordinal));
            var allowed = await host.StartRunAsync(ExecWorkflow.Replace("%COMMAND%", "bash", StringComparison.Ordinal));

            Assert.Equal(RunStatus.Failed, (await host.WaitForEndAsync(refused)).Status);
            Assert.Equal(RunStatus.Completed, (await host.WaitForEndAsync(allowed)).Status);
            var failed = Assert.Single(await host.GetTraceAsync(refused), e => e is { NodeId: "tool", Type: TraceEventType.NodeFailed });
            Assert.Equal("command-not-allowed", failed.Error!.Kind);
            Assert.Contains(await host.GetTraceAsync(allowed), e => e is { NodeId: "tool", Type: TraceEventType.NodeLog, Message: "ran" });
        }
    }
}
