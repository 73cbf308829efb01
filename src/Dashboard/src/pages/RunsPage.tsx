import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import type { JsonValue, RunStatus, RunSummary, WorkflowFindings, WorkflowInputDefinition } from '../api/contracts';
import { BaselineMovement } from '../components/BaselineBadge';
import { StartForm } from '../components/StartForm';
import { WorkflowFindingsPanel } from '../components/WorkflowFindingsPanel';
import { SchedulesPanel } from '../components/SchedulesPanel';
import type { FeedMode } from '../live/runFeed';
import { RunsFeed } from '../live/runsFeed';
import { navigate, runHref, runsHref, timelineHref } from '../links';

export function StatusPill({ status }: { status: RunStatus }) {
  return (
    <span className={`pill pill-${status}`} data-testid="run-status">
      {status}
    </span>
  );
}

export function duration(run: RunSummary): string {
  const start = Date.parse(run.startedAt ?? run.createdAt);
  const end = run.completedAt ? Date.parse(run.completedAt) : Date.now();
  const seconds = Math.max(0, (end - start) / 1000);
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

function newestFirst(a: RunSummary, b: RunSummary): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.runId.localeCompare(a.runId);
}

export function RunsPage({ workflowId }: { workflowId: string | undefined }) {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [mode, setMode] = useState<FeedMode>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [seenWorkflows, setSeenWorkflows] = useState<string[]>([]);
  const [typedWorkflow, setTypedWorkflow] = useState('');
  const [starting, setStarting] = useState(false);
  const [form, setForm] = useState<{ workflowId: string; inputs: { [name: string]: WorkflowInputDefinition } } | null>(null);

  useEffect(() => {
    const feed = new RunsFeed(
      workflowId,
      (list) => setRuns([...list].sort(newestFirst)),
      (run) => setRuns((current) => [run, ...current.filter((r) => r.runId !== run.runId)].sort(newestFirst)),
      setMode,
      setError,
    );
    void feed.start();
    return () => void feed.stop();
  }, [workflowId]);

  // Workflows seen in any listing stay offered even while the list is filtered to one of them.
  useEffect(() => {
    setSeenWorkflows((seen) => {
      const all = new Set([...seen, ...runs.map((r) => r.workflowId)]);
      return all.size === seen.length ? seen : [...all].sort();
    });
  }, [runs]);

  // A workflow that declares inputs opens its start form first; one without starts at once.
  const start = async (id: string, inputs?: { [name: string]: JsonValue }) => {
    setStarting(true);
    setError(null);
    try {
      if (inputs === undefined) {
        const described = await api.workflow(id.trim());
        const declared = described.definition.inputs ?? {};
        if (Object.keys(declared).length > 0) {
          setForm({ workflowId: described.id, inputs: declared });
          return;
        }
      }
      const started = await api.startRun(id.trim(), inputs);
      navigate(runHref(started.runId));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setStarting(false);
    }
  };

  // Filtered to one workflow, the page is that workflow's: its open findings and its baseline, refreshed when
  // a run of it completes (the open findings are the latest completed run's).
  const [workflowFindings, setWorkflowFindings] = useState<WorkflowFindings | null>(null);
  const [findingsError, setFindingsError] = useState<string | null>(null);
  const [pinning, setPinning] = useState(false);
  const completedKey = runs
    .filter((r) => r.status === 'completed')
    .map((r) => r.runId)
    .join(',');
  const loadFindings = useCallback(async () => {
    if (!workflowId) return;
    try {
      setWorkflowFindings(await api.workflowFindings(workflowId));
      setFindingsError(null);
    } catch (e) {
      setFindingsError(e instanceof Error ? e.message : String(e));
    }
  }, [workflowId]);
  useEffect(() => {
    setWorkflowFindings(null);
  }, [workflowId]);
  useEffect(() => {
    void loadFindings();
  }, [loadFindings, completedKey]);
  const changeBaseline = async (pin: string | null) => {
    if (!workflowId) return;
    setPinning(true);
    setError(null);
    try {
      if (pin) await api.pinBaseline(workflowId, pin);
      else await api.unpinBaseline(workflowId);
      await loadFindings();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setPinning(false);
    }
  };
  const pinned = workflowFindings?.pinnedBaselineRunId;

  const filterOptions = useMemo(() => (workflowId && !seenWorkflows.includes(workflowId) ? [...seenWorkflows, workflowId] : seenWorkflows), [seenWorkflows, workflowId]);

  return (
    <div className="runs-page">
      <div className="runs-toolbar">
        <h1>Runs</h1>
        <label>
          Workflow{' '}
          <select data-testid="workflow-filter" value={workflowId ?? ''} onChange={(e) => navigate(runsHref(e.target.value || undefined))}>
            <option value="">all workflows</option>
            {filterOptions.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <span className={`feed-mode mode-${mode}`} data-testid="feed-mode">
          {mode}
        </span>
        {workflowId && (
          <a href={timelineHref(workflowId)} data-testid="runs-timeline-link">
            timeline of {workflowId}
          </a>
        )}
      </div>
      <div className="start-runs">
        <span className="muted">Start a run:</span>
        {seenWorkflows.map((id) => (
          <button key={id} disabled={starting} data-testid={`start-${id}`} onClick={() => void start(id)}>
            ▶ {id}
          </button>
        ))}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (typedWorkflow.trim()) void start(typedWorkflow);
          }}
        >
          <input data-testid="workflow-id" placeholder="workflow id" value={typedWorkflow} onChange={(e) => setTypedWorkflow(e.target.value)} />
          <button type="submit" disabled={starting || !typedWorkflow.trim()} data-testid="start-typed">
            ▶ Start
          </button>
        </form>
      </div>
      {form && (
        <StartForm
          workflowId={form.workflowId}
          inputs={form.inputs}
          starting={starting}
          onStart={(values) => void start(form.workflowId, values)}
          onCancel={() => setForm(null)}
        />
      )}
      {error && <div className="error banner">{error}</div>}
      {workflowId && <WorkflowFindingsPanel findings={workflowFindings} error={findingsError} busy={pinning} onUnpin={() => void changeBaseline(null)} />}
      {workflowId && <SchedulesPanel workflowId={workflowId} />}
      <table className="runs" data-testid="runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Workflow</th>
            <th>Status</th>
            <th>Nodes</th>
            <th>Created</th>
            <th>Duration</th>
            <th title="How its findings moved against its baseline">vs baseline</th>
            {workflowId && <th>Baseline</th>}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.runId} data-testid="run-row" data-run-id={run.runId}>
              <td className="mono">
                <a href={runHref(run.runId)}>{run.runId}</a>
              </td>
              <td>{run.workflowId}</td>
              <td>
                <StatusPill status={run.status} />
                {run.trigger.kind === 'schedule' && (
                  <span className="muted small" data-testid="run-trigger" title={`Started by schedule ${run.trigger.scheduleId}`}>
                    {' '}
                    ⏱ scheduled
                  </span>
                )}
                {run.failure && <span className="error small"> {run.failure.nodeId}: {run.failure.message}</span>}
              </td>
              <td>
                {run.progress.nodesCompleted}/{run.progress.nodesTotal}
                {run.progress.nodesRunning > 0 && <span className="muted"> · {run.progress.nodesRunning} running</span>}
                {run.progress.nodesFailed > 0 && <span className="error"> · {run.progress.nodesFailed} failed</span>}
              </td>
              <td>{new Date(run.createdAt).toLocaleString()}</td>
              <td>{duration(run)}</td>
              <td>{run.baseline && <BaselineMovement runId={run.runId} baseline={run.baseline} />}</td>
              {workflowId && (
                <td>
                  {pinned === run.runId ? (
                    <span className="pill pill-completed" data-testid="pinned-baseline">
                      pinned baseline
                    </span>
                  ) : (
                    run.status === 'completed' && (
                      <button className="small" disabled={pinning} onClick={() => void changeBaseline(run.runId)} data-testid="pin-baseline">
                        Pin as baseline
                      </button>
                    )
                  )}
                </td>
              )}
            </tr>
          ))}
          {runs.length === 0 && (
            <tr>
              <td colSpan={workflowId ? 8 : 7} className="muted">
                No runs yet. Register a workflow (POST /api/workflows) and start it by id above.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
