// #/timeline?workflow=<id>: a workflow's runs as bars on a time axis, coloured by status. Select one to
// replay it, tick two to diff them. Reads GET /api/workflows/{id}/runs/timeline, or the runs list when the
// server has no timeline route yet (404).
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client';
import type { RunSummary, TimelineRun } from '../api/contracts';
import { diffHref, navigate, replayHref, runHref, timelineHref } from '../links';
import { StatusPill } from './RunsPage';

type Source = 'timeline' | 'runs-list';

function fromSummary(run: RunSummary): TimelineRun {
  const end = run.completedAt ? Date.parse(run.completedAt) : undefined;
  const start = Date.parse(run.startedAt ?? run.createdAt);
  return {
    runId: run.runId,
    status: run.status,
    createdAt: run.createdAt,
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.completedAt ? { completedAt: run.completedAt } : {}),
    ...(end !== undefined ? { durationMs: Math.max(0, end - start) } : {}),
    // 0 = unknown (a server that predates RunSummary.workflowVersion); versions start at 1.
    workflowVersion: run.workflowVersion ?? 0,
  };
}

async function loadTimeline(workflowId: string): Promise<{ runs: TimelineRun[]; source: Source }> {
  try {
    return { runs: (await api.timeline(workflowId)).runs, source: 'timeline' };
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 405)) throw error;
    const list = await api.listRuns(workflowId, 500);
    const runs = list.runs.map(fromSummary).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    return { runs, source: 'runs-list' };
  }
}

export function TimelinePage({ workflowId }: { workflowId: string | undefined }) {
  const workflowList = useQuery({
    queryKey: ['runs', 'all', 500],
    queryFn: () => api.listRuns(undefined, 500),
  });
  const workflows = useMemo(() => [...new Set(workflowList.data?.runs.map((r) => r.workflowId) ?? [])].sort(), [workflowList.data]);
  // Unfinished runs grow; a slow refresh keeps their bars honest without a realtime subscription.
  const timeline = useQuery({
    queryKey: ['timeline', workflowId],
    queryFn: () => loadTimeline(workflowId!),
    enabled: workflowId !== undefined,
    refetchInterval: 5000,
  });
  const runs = workflowId ? (timeline.data?.runs ?? null) : null;
  const source: Source | null = workflowId ? (timeline.data?.source ?? null) : null;
  const error = timeline.error?.message ?? null;
  // The selected run is the page's ?run= (a link can point at it); the ticks for a diff are a passing choice.
  const [params, setParams] = useSearchParams();
  const selected = params.get('run');
  const setSelected = (runId: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (runId) next.set('run', runId);
        else next.delete('run');
        return next;
      },
      { replace: true },
    );
  const [ticked, setTicked] = useState<string[]>([]);
  const now = timeline.dataUpdatedAt || Date.now();

  useEffect(() => setTicked([]), [workflowId]);

  const axis = useMemo(() => {
    if (!runs || runs.length === 0) return null;
    const starts = runs.map((r) => Date.parse(r.startedAt ?? r.createdAt));
    const ends = runs.map((r) => endOf(r, now));
    const min = Math.min(...runs.map((r) => Date.parse(r.createdAt)), ...starts);
    const max = Math.max(...ends, min + 1000);
    return { min, max };
  }, [runs, now]);

  const toggle = (runId: string) =>
    setTicked((current) => (current.includes(runId) ? current.filter((r) => r !== runId) : [...current, runId].slice(-2)));

  // The older run is A (before), the newer B (after).
  const diffPair = useMemo(() => {
    if (ticked.length !== 2 || !runs) return null;
    const order = new Map(runs.map((r, i) => [r.runId, i]));
    const [a, b] = [...ticked].sort((x, y) => order.get(x)! - order.get(y)!);
    return [a!, b!] as const;
  }, [ticked, runs]);

  const selectedRun = runs?.find((r) => r.runId === selected);

  return (
    <div className="runs-page timeline-page" data-testid="timeline-page">
      <div className="runs-toolbar">
        <h1>Timeline</h1>
        <label>
          Workflow{' '}
          <select data-testid="timeline-workflow" value={workflowId ?? ''} onChange={(e) => navigate(timelineHref(e.target.value || undefined))}>
            <option value="">choose a workflow</option>
            {[...new Set([...workflows, ...(workflowId ? [workflowId] : [])])].map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        {source && (
          <span className="muted small" data-testid="timeline-source" data-source={source}>
            {source === 'timeline' ? 'from the timeline endpoint' : 'from the runs list (no timeline endpoint on this server)'}
          </span>
        )}
        <span className="legend">
          {(['queued', 'running', 'completed', 'failed', 'cancelled'] as const).map((s) => (
            <span key={s} className={`legend-item bar-${s}`}>
              {s}
            </span>
          ))}
        </span>
      </div>
      <div className="timeline-actions">
        {selectedRun ? (
          <>
            <span>
              Selected <span className="mono">{selectedRun.runId}</span>
            </span>
            <a href={replayHref(selectedRun.runId)} data-testid="timeline-replay">
              ↺ Replay
            </a>
            <a href={runHref(selectedRun.runId)}>open</a>
          </>
        ) : (
          <span className="muted">Click a bar to select a run; tick two to compare them.</span>
        )}
        <button data-testid="timeline-diff" disabled={!diffPair} onClick={() => diffPair && navigate(diffHref(diffPair[0], diffPair[1]))}>
          Diff {ticked.length}/2
        </button>
      </div>
      {error && <div className="error banner">{error}</div>}
      {!workflowId && <p className="muted">Choose a workflow to see its runs over time.</p>}
      {workflowId && runs && runs.length === 0 && <p className="muted">No runs of {workflowId} yet.</p>}
      {axis && runs && (
        <div className="timeline" data-testid="timeline">
          <div className="timeline-axis">
            {axisTicks(axis.min, axis.max).map((t) => (
              <span key={t} style={{ left: `${(100 * (t - axis.min)) / (axis.max - axis.min)}%` }}>
                {new Date(t).toLocaleTimeString()}
              </span>
            ))}
          </div>
          {runs.map((run) => {
            const start = Date.parse(run.startedAt ?? run.createdAt);
            const end = endOf(run, now);
            const left = (100 * (start - axis.min)) / (axis.max - axis.min);
            const width = Math.max(0.4, (100 * (end - start)) / (axis.max - axis.min));
            return (
              <div key={run.runId} className={`timeline-row${selected === run.runId ? ' selected' : ''}`} data-testid="timeline-row" data-run-id={run.runId}>
                <label className="timeline-label">
                  <input type="checkbox" data-testid="timeline-tick" checked={ticked.includes(run.runId)} onChange={() => toggle(run.runId)} />
                  <span className="mono">{run.runId.slice(0, 12)}</span>
                  <StatusPill status={run.status} />
                  {run.workflowVersion > 0 && <span className="muted small">v{run.workflowVersion}</span>}
                </label>
                <div className="timeline-track">
                  <button
                    className={`timeline-bar bar-${run.status}`}
                    data-testid="timeline-bar"
                    data-status={run.status}
                    style={{ left: `${left}%`, width: `${width}%` }}
                    title={`${run.runId} · ${run.status} · ${new Date(start).toLocaleString()}${run.durationMs !== undefined ? ` · ${(run.durationMs / 1000).toFixed(1)} s` : ''}`}
                    onClick={() => setSelected(run.runId === selected ? null : run.runId)}
                    onDoubleClick={() => navigate(replayHref(run.runId))}
                  />
                </div>
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

function endOf(run: TimelineRun, now: number): number {
  const start = Date.parse(run.startedAt ?? run.createdAt);
  if (run.completedAt) return Date.parse(run.completedAt);
  if (run.durationMs !== undefined) return start + run.durationMs;
  return run.status === 'queued' || run.status === 'running' ? Math.max(start, now) : start;
}

/** About six round-numbered tick times across [min, max]. */
function axisTicks(min: number, max: number): number[] {
  const steps = [1e3, 5e3, 15e3, 60e3, 300e3, 900e3, 3600e3, 6 * 3600e3, 24 * 3600e3, 7 * 24 * 3600e3];
  const step = steps.find((s) => (max - min) / s <= 6) ?? steps[steps.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
  return ticks;
}
