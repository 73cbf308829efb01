// The side panel a node click opens (GET /api/workflows/runs/{runId}/nodes/{nodeId}): the node's definition, each
// attempt with its times, inputs, outputs and error, its artifacts (previewed in ArtifactPreview) and findings.
// Further tabs (the Terminal) come from inspectorTabs.tsx; the open tab is the page's ?tab=.
import { useQuery } from '@tanstack/react-query';
import { api, artifactUrl } from '../api/client';
import type { ArtifactReference, JsonValue, NodeAttempt, NodeInspection, TraceEvent } from '../api/contracts';
import { formatBytes } from './Console';
import { SeverityBadge } from './FindingsPanel';
import { JsonView } from './JsonView';
import { inspectorTabs } from './inspectorTabs';
import { where } from '../state/changes';

interface NodeInspectorProps {
  runId: string;
  nodeId: string;
  /** Changes whenever the node's folded state does, so a live run's inspector refetches as the node moves. */
  version: string;
  live: boolean;
  /** In a replay, the sequence of the replayed moment: the node is shown as it was after that event. */
  sequence?: number | undefined;
  /** The run's events as the page shows them (for tabs that draw from the trace, such as the Terminal). */
  events: readonly TraceEvent[];
  tab: string | undefined;
  onTab: (tab: string | undefined) => void;
  onPreview: (artifact: ArtifactReference) => void;
  onClose: () => void;
}

export function NodeInspector({ runId, nodeId, version, live, sequence, events, tab, onTab, onPreview, onClose }: NodeInspectorProps) {
  const query = useQuery({
    queryKey: ['node', runId, nodeId, version],
    queryFn: () => api.inspectNode(runId, nodeId, sequence),
    // The previous answer stays on screen while the node's next state is fetched.
    placeholderData: (previous) => (previous?.nodeId === nodeId ? previous : undefined),
  });
  const extra = inspectorTabs.find((t) => t.id === tab);
  const inspection = query.data;

  return (
    <aside className="inspector" data-testid="inspector" data-node={nodeId}>
      <header className="inspector-header">
        <strong className="mono">{nodeId}</strong>
        {inspection?.definition && <span className="muted mono small">{inspection.definition.component}</span>}
        {inspection && (
          <span className={`pill pill-${inspection.state.status}`} data-testid="inspector-status">
            {inspection.state.status}
          </span>
        )}
        <button className="inspector-close" onClick={onClose} aria-label="Close the inspector" data-testid="inspector-close">
          ✕
        </button>
      </header>
      <nav className="inspector-tabs" role="tablist">
        <button role="tab" aria-selected={!extra} className={!extra ? 'active' : ''} onClick={() => onTab(undefined)} data-testid="inspector-tab-details">
          Details
        </button>
        {inspectorTabs.map((t) => (
          <button key={t.id} role="tab" aria-selected={extra?.id === t.id} className={extra?.id === t.id ? 'active' : ''} onClick={() => onTab(t.id)} data-testid={`inspector-tab-${t.id}`}>
            {t.label}
          </button>
        ))}
      </nav>
      <div className="inspector-body">
        {extra ? (
          extra.render({ runId, nodeId, live, events })
        ) : query.error ? (
          <p className="error" data-testid="inspector-error">
            {query.error.message}
          </p>
        ) : !inspection ? (
          <p className="muted">Loading…</p>
        ) : (
          <>
            {!live && sequence !== undefined && (
              <p className="muted small" data-testid="inspector-replayed">
                As at event {sequence}, the replayed moment.
              </p>
            )}
            <Details runId={runId} inspection={inspection} onPreview={onPreview} />
          </>
        )}
      </div>
    </aside>
  );
}

function Details({ runId, inspection, onPreview }: { runId: string; inspection: NodeInspection; onPreview: (a: ArtifactReference) => void }) {
  const { definition, state, attempts, artifacts, findings } = inspection;
  return (
    <>
      <section data-testid="inspector-definition">
        <h3>Definition</h3>
        {definition ? (
          <>
            <dl className="facts">
              <dt>component</dt>
              <dd className="mono">{definition.component}</dd>
              {definition.dependsOn.length > 0 && (
                <>
                  <dt>depends on</dt>
                  <dd className="mono">{definition.dependsOn.join(', ')}</dd>
                </>
              )}
              {definition.retry && (
                <>
                  <dt>retry</dt>
                  <dd>
                    {definition.retry.maxAttempts} attempts, backoff {definition.retry.backoffSeconds} s × {definition.retry.backoffCoefficient} (≤ {definition.retry.maxBackoffSeconds} s)
                  </dd>
                </>
              )}
              {definition.timeoutSeconds !== undefined && (
                <>
                  <dt>timeout</dt>
                  <dd>{definition.timeoutSeconds} s</dd>
                </>
              )}
            </dl>
            <JsonView label="inputs (as written)" value={definition.inputs} testId="inspector-definition-inputs" />
          </>
        ) : (
          <p className="muted">The run's workflow version is no longer stored.</p>
        )}
      </section>
      <section data-testid="inspector-attempts">
        <h3>Attempts ({attempts.length})</h3>
        {attempts.length === 0 && <p className="muted">Not started.</p>}
        {attempts.map((a) => (
          <Attempt key={`${a.attempt}/${a.delivery}`} runId={runId} attempt={a} />
        ))}
      </section>
      <section data-testid="inspector-artifacts">
        <h3>Artifacts ({artifacts.length})</h3>
        <ul className="plain">
          {artifacts.map((artifact) => (
            <li key={artifact.artifactId} data-testid="inspector-artifact">
              <span className="mono">{artifact.name}</span> <span className="muted small">{artifact.contentType} · {formatBytes(artifact.size)}</span>{' '}
              <button className="link" onClick={() => onPreview(artifact)} data-testid="inspector-artifact-preview">
                preview
              </button>{' '}
              <a href={artifactUrl(runId, artifact.artifactId)} download={artifact.name}>
                download
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section data-testid="inspector-findings">
        <h3>Findings ({findings.length})</h3>
        <ul className="plain">
          {findings.map((f) => (
            <li key={f.fingerprint} data-testid="inspector-finding" title={`${f.ruleId} · ${f.fingerprint}`}>
              <SeverityBadge severity={f.severity} /> {f.title} <span className="muted small">{where(f)}</span>
              {f.evidence && <div className="muted small">{f.evidence}</div>}
            </li>
          ))}
        </ul>
      </section>
      <section>
        <JsonView label="state" value={state as unknown as JsonValue} openDepth={0} testId="inspector-state" />
      </section>
    </>
  );
}

function Attempt({ runId, attempt: a }: { runId: string; attempt: NodeAttempt }) {
  return (
    <div className={`attempt status-${a.status}`} data-testid="inspector-attempt" data-attempt={a.attempt} data-status={a.status}>
      <div className="attempt-head">
        <strong>attempt {a.attempt}</strong>
        {a.delivery > 1 && <span className="muted small"> delivery {a.delivery}</span>}
        <span className={`pill pill-${a.status}`}>{a.status}</span>
        <span className="muted small">
          {clock(a.startedAt)} → {a.endedAt ? clock(a.endedAt) : '…'}
          {a.durationMs !== undefined && ` · ${duration(a.durationMs)}`}
        </span>
      </div>
      {a.error && (
        <p className="error" data-testid="inspector-attempt-error">
          [{a.error.kind}] {a.error.message}
          {a.error.willRetry && ' — will retry'}
        </p>
      )}
      {a.waitingFrom && <p className="muted small">waited for a decision from {clock(a.waitingFrom)}</p>}
      {a.inputs !== undefined && <JsonView label="inputs (as received)" value={a.inputs} testId="inspector-attempt-inputs" runId={runId} />}
      {a.outputs !== undefined && <JsonView label="outputs" value={a.outputs} testId="inspector-attempt-outputs" runId={runId} />}
    </div>
  );
}

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });

function clock(timestamp: string): string {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : clockFormat.format(date);
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
