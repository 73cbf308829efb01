using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Json;
using ShipSec.Shared.Realtime;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Tests.Trace;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Tests.Realtime;

public sealed class RealtimeTraceObserverTests
{
    private readonly RecordingRealtime _realtime = new();
    private readonly SummaryStore _runs = new();

    [Fact]
    public async Task Committed_events_go_to_the_runs_group_in_sequence_order_per_run()
    {
        var a = TraceEvents.NewRunId();
        var b = TraceEvents.NewRunId();
        TraceEvent[] committed = [Seq(TraceEvents.Log(a, "n", 1), 2), Seq(TraceEvents.Log(b, "n", 1), 1), Seq(TraceEvents.Log(a, "n", 0), 1)];

        await CreateObserver().OnCommittedAsync(committed);

        var sent = _realtime.Sent.ToList();
        Assert.Equal([RealtimeGroups.Run(a), RealtimeGroups.Run(b)], sent.Select(s => s.Group));
        Assert.All(sent, s => Assert.Equal(RealtimeTargets.TraceEvents, s.Target));
        var first = Assert.IsType<TraceEventsMessage>(sent[0].Payload);
        Assert.Equal(a, first.RunId);
        Assert.Equal([1L, 2L], first.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_large_batch_is_split_into_messages_under_one_megabyte_without_losing_or_reordering_events()
    {
        var runId = TraceEvents.NewRunId();
        var line = new string('x', 10_000);
        var committed = Enumerable.Range(1, 300).Select(i => Seq(TraceEvents.Log(runId, "scan", i, line), i)).ToList();

        await CreateObserver().OnCommittedAsync(committed);

        var messages = _realtime.Sent.Select(s => Assert.IsType<TraceEventsMessage>(s.Payload)).ToList();
        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.True(HubMessageBytes(m) < 1_048_576, $"{HubMessageBytes(m)} bytes"));
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), messages.SelectMany(m => m.Events).Select(e => e.Sequence));
    }

    [Theory]
    [InlineData('x')]
    [InlineData('<')]
    [InlineData('é')]
    [InlineData('\n')]
    public async Task Messages_stay_under_one_megabyte_whatever_characters_the_lines_hold_and_one_that_fits_goes_whole(char filler)
    {
        var runId = TraceEvents.NewRunId();
        var line = new string(filler, 10_000);
        var committed = Enumerable.Range(1, 600).Select(i => Seq(TraceEvents.Log(runId, "scan", i, i % 7 == 0 ? line : $"line {i}"), i)).ToList();

        await CreateObserver().OnCommittedAsync(committed);

        var messages = _realtime.Sent.Select(s => Assert.IsType<TraceEventsMessage>(s.Payload)).ToList();
        Assert.All(messages, m => Assert.True(HubMessageBytes(m) < 1_048_576, $"{HubMessageBytes(m)} bytes"));
        Assert.Equal(Enumerable.Range(1, 600).Select(i => (long)i), messages.SelectMany(m => m.Events).Select(e => e.Sequence));

        _realtime.Sent.Clear();
        await CreateObserver().OnCommittedAsync(committed.Take(20).ToList());
        Assert.Single(_realtime.Sent);
    }

    [Fact]
    public async Task An_event_too_large_for_any_message_is_left_to_the_trace_and_the_rest_still_go()
    {
        var runId = TraceEvents.NewRunId();
        TraceEvent[] committed = [Seq(TraceEvents.Log(runId, "n", 1), 1), Seq(TraceEvents.Log(runId, "n", 2, new string('x', 1_100_000)), 2), Seq(TraceEvents.Log(runId, "n", 3), 3)];

        await CreateObserver().OnCommittedAsync(committed);

        Assert.Equal([1L, 3L], _realtime.Sent.SelectMany(s => ((TraceEventsMessage)s.Payload).Events).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Logs_alone_send_no_run_update_but_a_status_change_sends_the_summary_to_the_run_and_to_all_runs()
    {
        var runId = TraceEvents.NewRunId();
        var summary = _runs.Add(runId, RunStatus.Running);
        var observer = CreateObserver();

        await observer.OnCommittedAsync([Seq(TraceEvents.Log(runId, "n", 1), 1)]);
        Assert.DoesNotContain(_realtime.Sent, s => s.Target == RealtimeTargets.RunUpdated);

        await observer.OnCommittedAsync([Seq(TraceEvents.Status(runId, RunStatus.Running, 1), 2)]);
        Assert.Equal(
            [(RealtimeGroups.Run(runId), RealtimeTargets.TraceEvents), (RealtimeGroups.Run(runId), RealtimeTargets.RunUpdated), (RealtimeGroups.Runs, RealtimeTargets.RunUpdated)],
            _realtime.Sent.Skip(1).Select(s => (s.Group, s.Target)));
        Assert.All(_realtime.Sent.Where(s => s.Target == RealtimeTargets.RunUpdated), s => Assert.Same(summary, s.Payload));
    }

    [Fact]
    public async Task A_failing_realtime_is_logged_and_the_next_run_still_hears()
    {
        var broken = TraceEvents.NewRunId();
        var fine = TraceEvents.NewRunId();
        _realtime.FailingGroup = RealtimeGroups.Run(broken);

        await CreateObserver().OnCommittedAsync([Seq(TraceEvents.Log(broken, "n", 1), 1), Seq(TraceEvents.Log(fine, "n", 1), 1)]);

        Assert.Equal([RealtimeGroups.Run(fine)], _realtime.Sent.Select(s => s.Group));
    }

    [Fact]
    public async Task With_realtime_off_nothing_is_sent()
    {
        var observer = new RealtimeTraceObserver(_realtime, _runs, Options.Create(new RealtimeOptions { Provider = RealtimeProvider.None }), NullLogger<RealtimeTraceObserver>.Instance);

        await observer.OnCommittedAsync([Seq(TraceEvents.Log(TraceEvents.NewRunId(), "n", 1), 1)]);

        Assert.Empty(_realtime.Sent);
    }

    private RealtimeTraceObserver CreateObserver()
        => new(_realtime, _runs, Options.Create(new RealtimeOptions { Provider = RealtimeProvider.Local }), NullLogger<RealtimeTraceObserver>.Instance);

    private static TraceEvent Seq(TraceEvent traceEvent, long sequence) => traceEvent with { Sequence = sequence };

    // What goes over the wire: the SignalR JSON hub protocol's invocation message around the argument.
    private static int HubMessageBytes(TraceEventsMessage message) => JsonSerializer.SerializeToUtf8Bytes(
        new { type = 1, target = RealtimeTargets.TraceEvents, arguments = new object[] { message } }, ShipSecJson.Options).Length + 1;

    private sealed class RecordingRealtime : IRealtime
    {
        public ConcurrentQueue<(string Group, string Target, object Payload)> Sent { get; } = new();

        public string? FailingGroup { get; set; }

        public Task SendToGroupAsync(string group, string target, object payload, CancellationToken cancellationToken = default)
        {
            if (group == FailingGroup)
            {
                throw new HttpRequestException("service down");
            }

            Sent.Enqueue((group, target, payload));
            return Task.CompletedTask;
        }

        public Task AddUserToGroupAsync(string userId, string group, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task RemoveUserFromGroupAsync(string userId, string group, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<NegotiateResult> NegotiateAsync(Uri requestOrigin, RealtimeGrant grant, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public RealtimeGrant? ReadGrant(string accessToken) => null;
    }

    private sealed class SummaryStore : IRunStore
    {
        private readonly ConcurrentDictionary<string, RunSummary> _summaries = new();

        public RunSummary Add(string runId, RunStatus status) => _summaries[runId] = new RunSummary
        {
            RunId = runId,
            WorkflowId = "wf",
            Status = status,
            CreatedAt = TraceEvents.At(0),
            UpdatedAt = TraceEvents.At(1),
            Progress = new RunProgress(1, 0, 0, 1),
        };

        public Task<RunSummary?> GetAsync(string runId, CancellationToken cancellationToken = default) => Task.FromResult(_summaries.GetValueOrDefault(runId));

        public Task CreateAsync(NewRun run, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<RunSummary>> ListAsync(string? workflowId, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<RunSummary>> ListUnfinishedAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<NodeStatus?> GetNodeStatusAsync(string runId, string nodeId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> RequestCancellationAsync(string runId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyCollection<string>> CancellationRequestedAmongAsync(IReadOnlyCollection<string> runIds, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
