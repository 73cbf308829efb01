// What changed between two runs, as the dashboard tells it: findings first (new, resolved, changed, most
// severe first), then the nodes whose behaviour changed. Log wording is never a change here; the server's
// diff reports it per node as detail only (RunDiff, src/Shared/Contracts/Replay/RunDiff.cs).
import { findingSeverities, type FindingChange, type FindingSeverity, type NodeDiff, type RunBaseline, type RunDiff, type RunFinding } from '../api/contracts';

const rank = (severity: FindingSeverity) => findingSeverities.indexOf(severity);

/** Most severe first; ties keep the server's order (it reports most severe first, then in report order). */
export function bySeverity<T>(items: readonly T[], severityOf: (item: T) => FindingSeverity): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((x, y) => rank(severityOf(y.item)) - rank(severityOf(x.item)) || x.index - y.index)
    .map((x) => x.item);
}

/** A changed finding counts at the higher of its two severities: one that became critical is read first. */
export const changedSeverity = (change: FindingChange): FindingSeverity =>
  rank(change.after.severity) >= rank(change.before.severity) ? change.after.severity : change.before.severity;

export interface FindingSections {
  added: RunFinding[];
  resolved: RunFinding[];
  changed: FindingChange[];
  unchangedCount: number;
}

export function findingSections(diff: RunDiff): FindingSections {
  return {
    added: bySeverity(diff.findings.added, (f) => f.severity),
    resolved: bySeverity(diff.findings.resolved, (f) => f.severity),
    changed: bySeverity(diff.findings.changed, changedSeverity),
    unchangedCount: diff.findings.unchangedCount,
  };
}

const nodeChangeOrder: Record<NodeDiff['change'], number> = { changed: 0, added: 1, removed: 2, unchanged: 3 };

/** Nodes whose behaviour differs (changed, added, removed, in that order) and the unchanged rest. */
export function nodeSections(diff: RunDiff): { differing: NodeDiff[]; unchanged: NodeDiff[] } {
  const sorted = [...diff.nodes].sort((x, y) => nodeChangeOrder[x.change] - nodeChangeOrder[y.change] || x.nodeId.localeCompare(y.nodeId));
  return { differing: sorted.filter((n) => n.change !== 'unchanged'), unchanged: sorted.filter((n) => n.change === 'unchanged') };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One plain sentence at the top of the diff page. */
export function diffHeadline(diff: RunDiff): string {
  if (diff.identical) return 'These runs behaved the same';
  const parts: string[] = [];
  const { added, resolved, changed } = diff.findings;
  if (added.length > 0) parts.push(plural(added.length, 'new finding'));
  if (resolved.length > 0) parts.push(`${resolved.length} resolved`);
  if (changed.length > 0) parts.push(`${changed.length} changed`);
  const nodes = diff.nodes.filter((n) => n.change !== 'unchanged').length;
  if (nodes > 0) parts.push(`${plural(nodes, 'node')} changed`);
  if (diff.status) parts.push(`status ${diff.status.before ?? '—'} → ${diff.status.after ?? '—'}`);
  // The server says "not identical" for a reason the parts above always name; keep a sentence if it ever does not.
  return parts.length > 0 ? parts.join(' · ') : 'These runs behaved differently';
}

/** "+2 new · 1 resolved": how a run's findings moved against its baseline. */
export const movementText = (baseline: Pick<RunBaseline, 'findingsAdded' | 'findingsResolved'>) =>
  `+${baseline.findingsAdded} new · ${baseline.findingsResolved} resolved`;

/** The baseline movement a diff against the baseline shows (for a run whose summary has not recorded one). */
export const movementOf = (diff: RunDiff): Pick<RunBaseline, 'findingsAdded' | 'findingsResolved'> => ({
  findingsAdded: diff.findings.added.length,
  findingsResolved: diff.findings.resolved.length,
});

/** Where a finding is, as one short string. */
export function where(finding: Pick<RunFinding, 'asset'>): string {
  const { host, port, protocol, url } = finding.asset;
  return url ?? `${host}${port !== undefined ? `:${port}` : ''}${protocol ? `/${protocol}` : ''}`;
}
