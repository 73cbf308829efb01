import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../api/contracts';
import { applyEvents, emptyTrace, nodeStatus, type NodeUiStatus, type RunTraceState } from './fold';
import foldCase from '../api/fixtures/fold-case.json';

let nextSequence = 1;
function ev(partial: Partial<TraceEvent> & Pick<TraceEvent, 'type'>): TraceEvent {
  const sequence = partial.sequence ?? nextSequence++;
  return {
    id: `e${sequence}`,
    runId: 'run-1',
    attempt: 1,
    level: 'info',
    timestamp: '2026-01-01T00:00:00Z',
    sequence,
    ...partial,
  };
}

function fold(events: TraceEvent[]): RunTraceState {
  return applyEvents(emptyTrace, events).state;
}

describe('applyEvents', () => {
  it('takes a node from running to success, keeping progress and artifacts', () => {
    nextSequence = 1;
    const running = fold([
      ev({ type: 'WORKFLOW_STATUS', status: 'running', attempt: 0 }),
      ev({ type: 'NODE_STARTED', nodeId: 'scan' }),
      ev({ type: 'NODE_PROGRESS', nodeId: 'scan', progress: { current: 89, total: 127 } }),
      ev({ type: 'NODE_LOG', nodeId: 'scan', message: 'port 7071 open' }),
    ]);
    expect(running.nodes.scan).toMatchObject({ status: 'running', progress: { current: 89, total: 127 }, lastMessage: 'port 7071 open' });
    expect(running.runStatus).toBe('running');

    const artifact = { artifactId: 'a1', name: 'report.md', contentType: 'text/markdown', size: 3, sha256: 'x', container: 'c', blobName: 'b' };
    const done = applyEvents(running, [
      ev({ type: 'NODE_ARTIFACT', nodeId: 'scan', artifact }),
      ev({ type: 'NODE_COMPLETED', nodeId: 'scan', message: 'done' }),
    ]).state;
    expect(done.nodes.scan).toMatchObject({ status: 'success', lastMessage: 'done', artifacts: [artifact] });
    expect(done.cursor).toBe(6);
    expect(done.events).toHaveLength(6);
    expect(running.nodes.scan!.status).toBe('running'); // the earlier state is untouched
  });

  it('shows a retry: failed with willRetry, then attempt 2 running and succeeding', () => {
    nextSequence = 1;
    const failedOnce = fold([
      ev({ type: 'NODE_STARTED', nodeId: 'tool' }),
      ev({ type: 'NODE_PROGRESS', nodeId: 'tool', progress: { current: 1, total: 5 } }),
      ev({ type: 'NODE_FAILED', nodeId: 'tool', level: 'error', error: { message: 'exit code 1', kind: 'exit-code', willRetry: true } }),
    ]);
    expect(failedOnce.nodes.tool).toMatchObject({ status: 'retrying', attempt: 1, error: { message: 'exit code 1' } });

    const second = applyEvents(failedOnce, [ev({ type: 'NODE_STARTED', nodeId: 'tool', attempt: 2 })]).state;
    expect(second.nodes.tool!.status).toBe('running');
    expect(second.nodes.tool!.attempt).toBe(2);
    expect(second.nodes.tool!.error).toBeUndefined();
    expect(second.nodes.tool!.progress).toBeUndefined();

    const done = applyEvents(second, [ev({ type: 'NODE_COMPLETED', nodeId: 'tool', attempt: 2 })]).state;
    expect(done.nodes.tool!.status).toBe('success');
  });

  it('marks a node failed after its last attempt, with the error', () => {
    nextSequence = 1;
    const state = fold([
      ev({ type: 'NODE_STARTED', nodeId: 'boom' }),
      ev({ type: 'NODE_FAILED', nodeId: 'boom', level: 'error', error: { message: 'Failed on purpose', kind: 'exception', willRetry: false } }),
    ]);
    expect(state.nodes.boom).toMatchObject({ status: 'failure', lastMessage: 'Failed on purpose', error: { kind: 'exception' } });
  });

  it('marks downstream nodes skipped when upstream failed', () => {
    nextSequence = 1;
    const state = fold([
      ev({ type: 'NODE_SKIPPED', nodeId: 'report', attempt: 0, level: 'warn', error: { message: 'upstream scan failed', kind: 'upstream-failed', willRetry: false } }),
    ]);
    expect(state.nodes.report!.status).toBe('skipped');
  });

  it('marks nodes cancelled when the run was cancelled', () => {
    nextSequence = 1;
    const state = fold([
      ev({ type: 'NODE_STARTED', nodeId: 'a' }),
      ev({ type: 'NODE_FAILED', nodeId: 'a', error: { message: 'Run cancelled', kind: 'cancelled', willRetry: false } }),
      ev({ type: 'NODE_SKIPPED', nodeId: 'b', attempt: 0, error: { message: 'Run cancelled', kind: 'cancelled', willRetry: false } }),
      ev({ type: 'WORKFLOW_STATUS', attempt: 0, status: 'cancelled' }),
    ]);
    expect(state.nodes.a!.status).toBe('cancelled');
    expect(state.nodes.b!.status).toBe('cancelled');
    expect(nodeStatus(state, 'c', ['b'], undefined)).toBe('cancelled');
  });

  it('drops duplicates: replayed events and events at or below the cursor', () => {
    nextSequence = 1;
    const first = [ev({ type: 'NODE_STARTED', nodeId: 'a' }), ev({ type: 'NODE_LOG', nodeId: 'a', message: 'one' })];
    const state = fold(first);
    const again = applyEvents(state, [...first, ev({ type: 'NODE_LOG', nodeId: 'a', message: 'two' })]);
    expect(again.applied).toBe(1);
    expect(again.gap).toBe(false);
    expect(again.state.events.map((e) => e.sequence)).toEqual([1, 2, 3]);

    const onlyDuplicates = applyEvents(again.state, first);
    expect(onlyDuplicates.applied).toBe(0);
    expect(onlyDuplicates.state).toBe(again.state);
  });

  it('detects a sequence gap and applies nothing past it', () => {
    nextSequence = 1;
    const state = fold([ev({ type: 'NODE_STARTED', nodeId: 'a' })]);
    const result = applyEvents(state, [ev({ type: 'NODE_LOG', nodeId: 'a', sequence: 3, message: 'late' }), ev({ type: 'NODE_LOG', nodeId: 'a', sequence: 4 })]);
    expect(result.gap).toBe(true);
    expect(result.applied).toBe(0);
    expect(result.state.cursor).toBe(1);

    // The re-fetch from the cursor fills the hole; the events after it then apply.
    const refetched = applyEvents(result.state, [
      ev({ type: 'NODE_LOG', nodeId: 'a', sequence: 2, message: 'filled' }),
      ev({ type: 'NODE_LOG', nodeId: 'a', sequence: 3, message: 'late' }),
    ]);
    expect(refetched.gap).toBe(false);
    expect(refetched.state.cursor).toBe(3);
    expect(refetched.state.nodes.a!.lastMessage).toBe('late');
  });

  it('applies the contiguous prefix of a batch and reports the gap after it', () => {
    nextSequence = 1;
    const result = applyEvents(emptyTrace, [ev({ type: 'NODE_STARTED', nodeId: 'a', sequence: 1 }), ev({ type: 'NODE_LOG', nodeId: 'a', sequence: 5 })]);
    expect(result.applied).toBe(1);
    expect(result.gap).toBe(true);
    expect(result.state.cursor).toBe(1);
  });

  it('accepts a batch out of order', () => {
    nextSequence = 1;
    const result = applyEvents(emptyTrace, [ev({ type: 'NODE_COMPLETED', nodeId: 'a', sequence: 2 }), ev({ type: 'NODE_STARTED', nodeId: 'a', sequence: 1 })]);
    expect(result.state.nodes.a!.status).toBe('success');
  });
});

describe('nodeStatus', () => {
  it('is idle before the run runs and queued once its dependencies succeeded', () => {
    nextSequence = 1;
    const state = fold([ev({ type: 'WORKFLOW_STATUS', attempt: 0, status: 'running' }), ev({ type: 'NODE_STARTED', nodeId: 'a' })]);
    expect(nodeStatus(emptyTrace, 'a', [], undefined)).toBe('idle');
    expect(nodeStatus(state, 'b', ['a'], undefined)).toBe('idle');
    expect(nodeStatus(state, 'c', [], undefined)).toBe('queued');
    const done = applyEvents(state, [ev({ type: 'NODE_COMPLETED', nodeId: 'a' })]).state;
    expect(nodeStatus(done, 'b', ['a'], undefined)).toBe('queued');
  });
});

describe('the shared fold case', () => {
  // The server's RunStateFolder folded these events into `expected` (tests/LocalHost.Tests/Contracts); the
  // dashboard must reach the same node states, or live view and replay would disagree.
  it('folds to the node states the server folds', () => {
    const { state } = applyEvents(emptyTrace, foldCase.events as unknown as TraceEvent[]);
    const serverName = (status: NodeUiStatus) => (status === 'success' ? 'completed' : status === 'failure' ? 'failed' : status);

    expect(state.runStatus).toBe(foldCase.expected.runStatus);
    for (const expected of foldCase.expected.nodes) {
      const node = state.nodes[expected.nodeId];
      expect({
        nodeId: expected.nodeId,
        status: node ? serverName(node.status) : 'idle',
        attempt: node?.attempt ?? 0,
        progress: node?.progress,
        lastMessage: node?.lastMessage,
        artifactCount: node?.artifacts.length ?? 0,
        findingCount: node?.findingCount ?? 0,
        ...(node?.highestSeverity !== undefined ? { highestSeverity: node.highestSeverity } : {}),
      }).toEqual(expected);
    }
    expect(state.findings.map((f) => ({ fingerprint: f.fingerprint, severity: f.severity, nodeId: f.nodeId, sequence: f.sequence }))).toEqual(
      foldCase.expected.findings,
    );
  });
});
