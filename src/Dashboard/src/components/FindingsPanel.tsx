// The run's findings: counts by severity and a table, most severe first; a row selects its node.
import { useMemo } from 'react';
import { findingSeverities, type FindingSeverity, type RunFinding } from '../api/contracts';
import { where } from '../state/changes';

export function SeverityBadge({ severity }: { severity: FindingSeverity }) {
  return <span className={`badge severity severity-${severity}`}>{severity}</span>;
}

interface FindingsPanelProps {
  findings: readonly RunFinding[];
  onSelectNode: (nodeId: string) => void;
}

export function FindingsPanel({ findings, onSelectNode }: FindingsPanelProps) {
  const sorted = useMemo(
    () => [...findings].sort((a, b) => findingSeverities.indexOf(b.severity) - findingSeverities.indexOf(a.severity) || a.sequence - b.sequence),
    [findings],
  );
  const counts = useMemo(() => {
    const bySeverity = new Map(findingSeverities.map((s) => [s, 0]));
    for (const finding of findings) bySeverity.set(finding.severity, (bySeverity.get(finding.severity) ?? 0) + 1);
    return bySeverity;
  }, [findings]);

  return (
    <section className="findings-panel" data-testid="findings-panel">
      <header>
        <strong>Findings ({findings.length})</strong>
        {[...findingSeverities].reverse().map((severity) => (
          <span key={severity} className={`badge severity severity-${severity}`} data-testid={`findings-count-${severity}`}>
            {severity} {counts.get(severity)}
          </span>
        ))}
      </header>
      {sorted.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>severity</th>
              <th>title</th>
              <th>asset</th>
              <th>evidence</th>
              <th>node</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((finding) => (
              <tr key={finding.fingerprint} data-testid="finding-row" onClick={() => onSelectNode(finding.nodeId)} title={`${finding.ruleId} · ${finding.fingerprint}`}>
                <td>
                  <SeverityBadge severity={finding.severity} />
                </td>
                <td>{finding.title}</td>
                <td>{where(finding)}</td>
                <td className="muted">{finding.evidence}</td>
                <td>
                  <button className="link">{finding.nodeId}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
