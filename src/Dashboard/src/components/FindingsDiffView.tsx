// The findings half of a diff, read first: new in B, resolved since A, changed (severity or evidence), each
// group most severe first. A row selects the node that reported the finding on the canvas below.
import type { ReactNode } from 'react';
import type { RunDiff, RunFinding } from '../api/contracts';
import { findingSections, where } from '../state/changes';
import { SeverityBadge } from './FindingsPanel';

interface FindingsDiffViewProps {
  diff: RunDiff;
  onSelectNode: (nodeId: string) => void;
}

export function FindingsDiffView({ diff, onSelectNode }: FindingsDiffViewProps) {
  const { added, resolved, changed, unchangedCount } = findingSections(diff);
  const none = added.length === 0 && resolved.length === 0 && changed.length === 0;
  return (
    <section className="findings-diff" data-testid="diff-findings">
      <header>
        <strong>Findings</strong>
        <span className="muted small" data-testid="diff-findings-unchanged">
          {none ? `No finding changed (${unchangedCount} the same in both runs)` : `${unchangedCount} unchanged`}
        </span>
      </header>
      {added.length > 0 && (
        <Group title={`New (${added.length})`} kind="added">
          {added.map((f) => (
            <FindingRow key={f.fingerprint} kind="added" finding={f} severity={<SeverityBadge severity={f.severity} />} onSelectNode={onSelectNode} />
          ))}
        </Group>
      )}
      {resolved.length > 0 && (
        <Group title={`Resolved (${resolved.length})`} kind="resolved">
          {resolved.map((f) => (
            <FindingRow key={f.fingerprint} kind="resolved" finding={f} severity={<SeverityBadge severity={f.severity} />} onSelectNode={onSelectNode} />
          ))}
        </Group>
      )}
      {changed.length > 0 && (
        <Group title={`Changed (${changed.length})`} kind="changed">
          {changed.map((c) => (
            <FindingRow
              key={c.fingerprint}
              kind="changed"
              finding={c.after}
              severity={
                c.before.severity === c.after.severity ? (
                  <SeverityBadge severity={c.after.severity} />
                ) : (
                  <>
                    <SeverityBadge severity={c.before.severity} /> → <SeverityBadge severity={c.after.severity} />
                  </>
                )
              }
              evidence={c.before.evidence !== c.after.evidence ? `${c.before.evidence ?? '—'} → ${c.after.evidence ?? '—'}` : c.after.evidence}
              onSelectNode={onSelectNode}
            />
          ))}
        </Group>
      )}
    </section>
  );
}

function Group({ title, kind, children }: { title: string; kind: string; children: ReactNode }) {
  return (
    <div className={`findings-group findings-${kind}`} data-testid={`diff-findings-${kind}`}>
      <h3>{title}</h3>
      <table>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

interface FindingRowProps {
  kind: 'added' | 'resolved' | 'changed';
  finding: RunFinding;
  severity: ReactNode;
  evidence?: string | undefined;
  onSelectNode: (nodeId: string) => void;
}

function FindingRow({ kind, finding, severity, evidence = finding.evidence, onSelectNode }: FindingRowProps) {
  return (
    <tr data-testid="diff-finding" data-kind={kind} data-severity={finding.severity} data-fingerprint={finding.fingerprint} title={`${finding.ruleId} · ${finding.fingerprint}`}>
      <td className="severity-cell">{severity}</td>
      <td>{finding.title}</td>
      <td className="mono small">{where(finding)}</td>
      <td className="muted small">{evidence}</td>
      <td>
        <button className="link" onClick={() => onSelectNode(finding.nodeId)}>
          {finding.nodeId}
        </button>
      </td>
    </tr>
  );
}
