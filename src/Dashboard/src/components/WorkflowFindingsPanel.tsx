// A workflow's open findings (those its latest completed run reported), most severe first, each with the run
// that first reported it and the latest, and the workflow's baseline: pinned (with unpin) or the default rule.
import type { WorkflowFindings } from '../api/contracts';
import { runHref } from '../links';
import { bySeverity, where } from '../state/changes';
import { SeverityBadge } from './FindingsPanel';

interface WorkflowFindingsPanelProps {
  findings: WorkflowFindings | null;
  error: string | null;
  busy: boolean;
  onUnpin: () => void;
}

export function WorkflowFindingsPanel({ findings, error, busy, onUnpin }: WorkflowFindingsPanelProps) {
  if (error) return <div className="muted small" data-testid="workflow-findings-error">Open findings unavailable: {error}</div>;
  if (!findings) return <div className="muted small">Loading the open findings…</div>;
  const open = bySeverity(findings.findings, (f) => f.severity);
  return (
    <section className="findings-panel workflow-findings" data-testid="workflow-findings">
      <header>
        <strong>Open findings ({open.length})</strong>
        {findings.latestRunId ? (
          <span className="muted small">
            as of the latest completed run{' '}
            <a className="mono" href={runHref(findings.latestRunId)}>
              {findings.latestRunId}
            </a>
          </span>
        ) : (
          <span className="muted small">no completed run yet</span>
        )}
        <span className="small" data-testid="workflow-baseline" data-pinned-run-id={findings.pinnedBaselineRunId ?? ''}>
          Baseline:{' '}
          {findings.pinnedBaselineRunId ? (
            <>
              pinned run{' '}
              <a className="mono" href={runHref(findings.pinnedBaselineRunId)}>
                {findings.pinnedBaselineRunId}
              </a>{' '}
              <button disabled={busy} onClick={onUnpin} data-testid="unpin-baseline">
                Unpin
              </button>
            </>
          ) : (
            <span className="muted">each run's latest earlier completed run with the same inputs</span>
          )}
        </span>
      </header>
      {open.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>severity</th>
              <th>title</th>
              <th>asset</th>
              <th>node</th>
              <th>first seen</th>
              <th>last seen</th>
            </tr>
          </thead>
          <tbody>
            {open.map((f) => (
              <tr key={f.fingerprint} data-testid="open-finding" data-fingerprint={f.fingerprint} title={`${f.ruleId} · ${f.fingerprint}`}>
                <td>
                  <SeverityBadge severity={f.severity} />
                </td>
                <td>{f.title}</td>
                <td className="mono">{where(f)}</td>
                <td>{f.nodeId}</td>
                <td>
                  <a className="mono" href={runHref(f.firstSeenRunId)} data-testid="first-seen">
                    {f.firstSeenRunId}
                  </a>{' '}
                  <span className="muted">{new Date(f.firstSeenAt).toLocaleString()}</span>
                </td>
                <td>
                  <a className="mono" href={runHref(f.lastSeenRunId)} data-testid="last-seen">
                    {f.lastSeenRunId}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
