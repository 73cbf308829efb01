// The "what changed" components rendered to markup (no DOM needed): what a reader of the page would see.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { RunDiff, RunSummary, WorkflowFindings } from '../api/contracts';
import replayFixture from '../api/fixtures/replay.json';
import runSummaries from '../api/fixtures/run-summaries.json';
import workflowFindingsFixture from '../api/fixtures/workflow-findings.json';
import { BaselineBadge, BaselineMovement } from './BaselineBadge';
import { FindingsDiffView } from './FindingsDiffView';
import { WorkflowFindingsPanel } from './WorkflowFindingsPanel';

const fixtureDiff = replayFixture.diff as RunDiff;

describe('FindingsDiffView', () => {
  it('groups new, resolved and changed findings of the C# fixture, in that order', () => {
    const html = renderToStaticMarkup(<FindingsDiffView diff={fixtureDiff} onSelectNode={() => {}} />);
    const order = ['diff-findings-added', 'diff-findings-resolved', 'diff-findings-changed'].map((id) => html.indexOf(`data-testid="${id}"`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(html).toContain('New (1)');
    expect(html).toContain('Open port 7071/tcp');
    expect(html).toContain('Resolved (1)');
    expect(html).toContain('Open port 5433/tcp');
    // The changed one shows both severities and both evidences.
    expect(html).toMatch(/severity-medium">medium<\/span> → <span[^>]*severity-high">high/);
    expect(html).toContain('subject CN=x → subject CN=y');
    expect(html).toContain('3 unchanged');
  });

  it('says so when no finding changed', () => {
    const same: RunDiff = { ...fixtureDiff, identical: true, findings: { added: [], resolved: [], changed: [], unchangedCount: 2 } };
    const html = renderToStaticMarkup(<FindingsDiffView diff={same} onSelectNode={() => {}} />);
    expect(html).toContain('No finding changed (2 the same in both runs)');
    expect(html).not.toContain('data-testid="diff-finding"');
  });
});

describe('BaselineBadge', () => {
  it('links to the run against its baseline and shows how the findings moved', () => {
    const html = renderToStaticMarkup(<BaselineBadge runId="run 2" baselineRunId="run-1" movement={{ findingsAdded: 2, findingsResolved: 1 }} />);
    expect(html).toContain('href="#/runs/run%202/diff/baseline"');
    expect(html).toContain('vs baseline');
    expect(html).toContain('+2 new · 1 resolved');
  });

  it('shows only "vs baseline" while the movement is not known', () => {
    const html = renderToStaticMarkup(<BaselineBadge runId="r" baselineRunId="b" />);
    expect(html).toContain('vs baseline');
    expect(html).not.toContain('new');
  });
});

describe('BaselineMovement', () => {
  it('renders the recorded baseline of the fixture run that has one', () => {
    const run = (runSummaries as RunSummary[]).find((r) => r.baseline);
    expect(run?.baseline).toBeDefined();
    const html = renderToStaticMarkup(<BaselineMovement runId={run!.runId} baseline={run!.baseline!} />);
    expect(html).toContain(`+${run!.baseline!.findingsAdded} new · ${run!.baseline!.findingsResolved} resolved`);
    expect(html).toContain(`href="#/runs/${run!.runId}/diff/baseline"`);
  });
});

describe('WorkflowFindingsPanel', () => {
  const findings = workflowFindingsFixture as WorkflowFindings;

  it('lists open findings with links to the runs that first and last saw them', () => {
    const html = renderToStaticMarkup(<WorkflowFindingsPanel findings={findings} error={null} busy={false} onUnpin={() => {}} />);
    const open = findings.findings[0]!;
    expect(html).toContain(`Open findings (${findings.findings.length})`);
    expect(html).toMatch(new RegExp(`data-testid="first-seen"[^>]*>${open.firstSeenRunId}<`));
    expect(html).toContain(`href="#/runs/${open.firstSeenRunId}"`);
    expect(html).toContain(`href="#/runs/${open.lastSeenRunId}"`);
  });

  it('shows the pinned baseline with an unpin action, and the default rule when none is pinned', () => {
    const pinned = renderToStaticMarkup(<WorkflowFindingsPanel findings={findings} error={null} busy={false} onUnpin={() => {}} />);
    expect(pinned).toContain(`data-pinned-run-id="${findings.pinnedBaselineRunId}"`);
    expect(pinned).toContain('data-testid="unpin-baseline"');
    const { pinnedBaselineRunId: _, ...unpinned } = findings;
    const html = renderToStaticMarkup(<WorkflowFindingsPanel findings={unpinned} error={null} busy={false} onUnpin={() => {}} />);
    expect(html).not.toContain('unpin-baseline');
    expect(html).toContain('latest earlier completed run with the same inputs');
  });
});
