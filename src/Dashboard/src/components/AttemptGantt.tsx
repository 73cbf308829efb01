// The run's attempts as a Gantt chart: a row per node, each attempt's phases (queued, running, waiting, backoff) as
// coloured stretches, the critical path marked. Clicking a bar selects its node; a cursor marks a moment (the replay's
// scrub position, or the latest event live). Reads GET …/runs/{runId}/attempts, computed by the server's one fold.
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client';
import type { AttemptSpan, RunAttempts } from '../api/contracts';

interface AttemptGanttProps {
  runId: string;
  /** The trace cursor (last applied sequence): a newer one asks the server again while the run is not over. */
  sequence: number;
  /** Epoch ms of the moment to mark, when there is one. */
  cursorTime: number | undefined;
  selected: string | null;
  onSelect: (nodeId: string) => void;
}

const refreshMs = 1000;

export function AttemptGantt({ runId, sequence, cursorTime, selected, onSelect }: AttemptGanttProps) {
  const [data, setData] = useState<RunAttempts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const settled = data !== null && data.endedAt !== undefined;
  const asked = useRef(0);
  const current = useRef<string | null>(runId);

  useEffect(() => {
    // A finished run's timeline never changes; a live one is asked again as events arrive, at most once a second
    // (throttled, not debounced: a busy run still gets its timeline redrawn).
    // An answer already on its way is kept when more events arrive (only a page for another run drops it).
    if (settled) return;
    const timer = setTimeout(
      () => {
        asked.current = Date.now();
        void api
          .attempts(runId)
          .then((d) => current.current === runId && (setData(d), setError(null)))
          .catch((e: unknown) => current.current === runId && setError(e instanceof Error ? e.message : String(e)));
      },
      Math.max(0, asked.current + refreshMs - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [runId, sequence, settled]);

  useEffect(() => {
    current.current = runId;
    return () => {
      current.current = null;
    };
  }, [runId]);

  const layout = useMemo(() => (data ? layoutOf(data) : null), [data]);
  if (error) return <div className="error">{error}</div>;
  if (!data || !layout) return <div className="muted">Reading the attempts…</div>;
  if (layout.rows.length === 0) return <div className="muted">No attempt has started yet.</div>;

  const fraction = (t: number) => ((t - layout.start) / layout.span).toFixed(5);
  const x = (t: number) => `${(((t - layout.start) / layout.span) * 100).toFixed(3)}%`;
  const w = (a: number, b: number) => `${Math.max(((b - a) / layout.span) * 100, 0.15).toFixed(3)}%`;
  return (
    <div className="gantt" data-testid="gantt">
      <div className="gantt-legend muted">
        {(['queued', 'running', 'waiting', 'backoff'] as const).map((k) => (
          <span key={k}>
            <i className={`phase-${k}`} /> {k}
          </span>
        ))}
        <span>
          critical path: <strong data-testid="critical-path">{data.criticalPath.join(' → ') || '—'}</strong>
          {data.criticalPathMs !== undefined && ` (${(data.criticalPathMs / 1000).toFixed(1)} s)`}
        </span>
      </div>
      <div className="gantt-rows">
      {layout.rows.map(({ nodeId, attempts, critical }) => (
        <div key={nodeId} className={`gantt-row${nodeId === selected ? ' selected' : ''}`} data-testid={`gantt-row-${nodeId}`}>
          <span className={`gantt-label mono${critical ? ' critical' : ''}`}>{nodeId}</span>
          <div className="gantt-track">
            {attempts.map((a) => {
              const end = endOf(a, layout.end);
              return (
                <button
                  key={a.attempt}
                  className={`gantt-bar status-${a.status}`}
                  data-testid={`gantt-bar-${nodeId}-${a.attempt}`}
                  style={{ left: x(Date.parse(a.start)), width: w(Date.parse(a.start), end) }}
                  title={`${nodeId} attempt ${a.attempt}: ${a.status}\n${a.phases.map((p) => `${p.kind} ${p.durationMs ?? '…'} ms`).join('\n')}`}
                  onClick={() => onSelect(nodeId)}
                >
                  {a.phases.map((p, i) => {
                    const from = Date.parse(p.start);
                    const to = p.end ? Date.parse(p.end) : end;
                    const span = Math.max(end - Date.parse(a.start), 1);
                    return <span key={i} className={`phase phase-${p.kind}`} style={{ width: `${(((to - from) / span) * 100).toFixed(3)}%` }} />;
                  })}
                </button>
              );
            })}
          </div>
        </div>
      ))}
      {/* One cursor over every row's track (the labels take the first 148 px). */}
      {cursorTime !== undefined && cursorTime >= layout.start && (
        <span className="gantt-cursor" data-testid="gantt-cursor" data-at={Math.round(cursorTime)} style={{ left: `calc(148px + (100% - 148px) * ${fraction(Math.min(cursorTime, layout.end))})` }} />
      )}
      </div>
    </div>
  );
}

function endOf(a: AttemptSpan, fallback: number): number {
  return a.end ? Date.parse(a.end) : fallback;
}

function layoutOf(data: RunAttempts) {
  const rows: { nodeId: string; attempts: AttemptSpan[]; critical: boolean }[] = [];
  const byNode = new Map<string, (typeof rows)[number]>();
  let start = data.startedAt ? Date.parse(data.startedAt) : Infinity;
  let end = Date.parse(data.endedAt ?? data.at ?? new Date().toISOString());
  for (const a of data.attempts) {
    let row = byNode.get(a.nodeId);
    if (!row) {
      row = { nodeId: a.nodeId, attempts: [], critical: a.critical };
      byNode.set(a.nodeId, row);
      rows.push(row);
    }
    row.attempts.push(a);
    start = Math.min(start, Date.parse(a.start));
    if (a.end) end = Math.max(end, Date.parse(a.end));
  }
  if (!Number.isFinite(start)) start = end;
  return { rows, start, end, span: Math.max(end - start, 1) };
}
