import { describe, expect, it } from 'vitest';
import type { FindingSeverity, RunDiff, RunFinding } from '../api/contracts';
import replayFixture from '../api/fixtures/replay.json';
import { bySeverity, changedSeverity, diffHeadline, findingSections, movementOf, movementText, nodeSections, where } from './changes';

function finding(fingerprint: string, severity: FindingSeverity, extra: Partial<RunFinding> = {}): RunFinding {
  return {
    fingerprint,
    ruleId: 'network.open-port',
    title: `finding ${fingerprint}`,
    severity,
    asset: { host: '127.0.0.1', port: 22, protocol: 'tcp' },
    nodeId: 'scan',
    attempt: 1,
    sequence: 1,
    timestamp: '2026-11-29T00:00:00Z',
    ...extra,
  };
}

function diff(extra: Partial<RunDiff> = {}): RunDiff {
  return {
    runId: 'a',
    otherRunId: 'b',
    workflowId: 'w',
    otherWorkflowId: 'w',
    identical: false,
    findings: { added: [], resolved: [], changed: [], unchangedCount: 0 },
    nodes: [],
    ...extra,
  };
}

const unchangedNode = (nodeId: string) => ({ nodeId, change: 'unchanged' as const, logs: { a: 1, b: 1 } });

describe('findingSections', () => {
  it('puts the most severe first in every group, keeping the server order between equals', () => {
    const sections = findingSections(
      diff({
        findings: {
          added: [finding('i1', 'info'), finding('c', 'critical'), finding('i2', 'info'), finding('m', 'medium')],
          resolved: [finding('l', 'low'), finding('h', 'high')],
          changed: [
            { fingerprint: 'x', before: finding('x', 'info'), after: finding('x', 'low') },
            { fingerprint: 'y', before: finding('y', 'critical'), after: finding('y', 'info') },
          ],
          unchangedCount: 4,
        },
      }),
    );
    expect(sections.added.map((f) => f.fingerprint)).toEqual(['c', 'm', 'i1', 'i2']);
    expect(sections.resolved.map((f) => f.fingerprint)).toEqual(['h', 'l']);
    // A finding that dropped from critical still reads as critical: it is what someone must look at.
    expect(sections.changed.map((c) => c.fingerprint)).toEqual(['y', 'x']);
    expect(sections.unchangedCount).toBe(4);
  });

  it('reads the fixture the C# diff serialises to', () => {
    const sections = findingSections(replayFixture.diff as RunDiff);
    expect(sections.added).toHaveLength(1);
    expect(sections.resolved).toHaveLength(1);
    expect(sections.changed.map(changedSeverity)).toEqual(['high']);
  });
});

describe('diffHeadline', () => {
  it('says plainly that identical runs behaved the same', () => {
    expect(diffHeadline(diff({ identical: true, nodes: [unchangedNode('scan')] }))).toBe('These runs behaved the same');
  });

  it('names findings first, then nodes, then the run status', () => {
    const headline = diffHeadline(
      diff({
        status: { before: 'completed', after: 'failed' },
        findings: { added: [finding('a', 'high'), finding('b', 'low')], resolved: [finding('c', 'info')], changed: [], unchangedCount: 0 },
        nodes: [unchangedNode('x'), { nodeId: 'scan', change: 'changed', logs: { a: 1, b: 2 } }],
      }),
    );
    expect(headline).toBe('2 new findings · 1 resolved · 1 node changed · status completed → failed');
  });

  it('does not call a node with different log wording a change', () => {
    const logsOnly = { nodeId: 'scan', change: 'unchanged' as const, logs: { a: 3, b: 3, firstDivergence: { index: 1, before: 'x', after: 'y' } } };
    expect(nodeSections(diff({ identical: true, nodes: [logsOnly] })).differing).toEqual([]);
  });
});

describe('nodeSections', () => {
  it('lists changed, added and removed nodes before the unchanged ones', () => {
    const sections = nodeSections(
      diff({
        nodes: [unchangedNode('a'), { nodeId: 'r', change: 'removed', logs: { a: 1, b: 0 } }, { nodeId: 'n', change: 'added', logs: { a: 0, b: 1 } }, { nodeId: 'c', change: 'changed', logs: { a: 1, b: 1 } }],
      }),
    );
    expect(sections.differing.map((n) => n.nodeId)).toEqual(['c', 'n', 'r']);
    expect(sections.unchanged.map((n) => n.nodeId)).toEqual(['a']);
  });
});

describe('movement against the baseline', () => {
  it('reads "+N new · M resolved"', () => {
    expect(movementText({ findingsAdded: 2, findingsResolved: 1 })).toBe('+2 new · 1 resolved');
    expect(movementText({ findingsAdded: 0, findingsResolved: 0 })).toBe('+0 new · 0 resolved');
  });

  it('counts a baseline diff the way the summary records it', () => {
    expect(movementOf(diff({ findings: { added: [finding('a', 'info')], resolved: [], changed: [{ fingerprint: 'c', before: finding('c', 'low'), after: finding('c', 'high') }], unchangedCount: 1 } }))).toEqual({
      findingsAdded: 1,
      findingsResolved: 0,
    });
  });
});

describe('where', () => {
  it('prefers the URL, else host:port/protocol', () => {
    expect(where(finding('a', 'info'))).toBe('127.0.0.1:22/tcp');
    expect(where(finding('a', 'info', { asset: { host: 'h', url: 'https://h/' } }))).toBe('https://h/');
    expect(where(finding('a', 'info', { asset: { host: 'h' } }))).toBe('h');
  });
});

describe('bySeverity', () => {
  it('does not reorder equals', () => {
    expect(bySeverity(['a', 'b', 'c'], () => 'info')).toEqual(['a', 'b', 'c']);
  });
});
