import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError, baselineRunId, definitionForRun } from '../api/client';
import type { RerunRequest, RunSummary } from '../api/contracts';
import { BaselineBadge, type Movement } from '../components/BaselineBadge';
import { RunView } from '../components/RunView';
import { RunFeed, type FeedMode } from '../live/runFeed';
import { emptyTrace, isFinal, type RunTraceState } from '../state/fold';
import { diffHref, navigate, replayHref, runHref, timelineHref, workflowHref } from '../links';
import { movementOf } from '../state/changes';
import { StatusPill, duration } from './RunsPage';

export function RunPage({ runId }: { runId: string }) {
  const [summary, setSummary] = useState<RunSummary | null>(null);
  const [trace, setTrace] = useState<RunTraceState>(emptyTrace);
  const [mode, setMode] = useState<FeedMode>('connecting');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const feed = new RunFeed(runId, { onTrace: setTrace, onSummary: setSummary, onMode: setMode, onError: setError });
    void feed.start();
    return () => void feed.stop();
  }, [runId]);

  const workflowId = summary?.workflowId;
  const workflowVersion = summary?.workflowVersion;
  const definition = useDefinition(workflowId, workflowVersion);
  const nodes = definition.data?.nodes ?? null;

  const status = summary?.status ?? trace.runStatus;
  const baseline = useBaseline(runId, summary);
  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));
  const cancel = () => api.cancelRun(runId).catch(fail);
  const rerun = (body?: RerunRequest) =>
    api
      .rerun(runId, body)
      .then((started) => navigate(runHref(started.runId)))
      .catch(fail);
  const parentRunId = summary?.parentRunId;
  const waiting = Object.entries(trace.nodes).filter(([, node]) => node.status === 'waiting');
  const decide = (nodeId: string, approve: boolean) => api.decide(runId, nodeId, approve).catch(fail);

  return (
    <div className="run-page">
      {/* data-baseline: unknown until the run finished and its baseline is known, then none or the baseline's id. */}
      <div className="run-header" data-testid="run-header" data-baseline={baseline === undefined ? 'unknown' : (baseline?.runId ?? 'none')}>
        <h1>
          {workflowId ?? '…'} <span className="muted mono">{runId}</span>
        </h1>
        {status && <StatusPill status={status} />}
        {summary && (
          <span className="muted" data-testid="run-progress">
            {summary.progress.nodesCompleted}/{summary.progress.nodesTotal} nodes done
            {summary.progress.nodesFailed > 0 && `, ${summary.progress.nodesFailed} failed`} · {duration(summary)}
          </span>
        )}
        {summary?.failure && (
          <span className="error" data-testid="run-failure">
            {summary.failure.nodeId}: {summary.failure.message}
          </span>
        )}
        <span className={`feed-mode mode-${mode}`} data-testid="feed-mode" title="How this page receives new events">
          {mode}
        </span>
        <a href={replayHref(runId)} data-testid="replay-link">
          ↺ Replay
        </a>
        {baseline && <BaselineBadge runId={runId} baselineRunId={baseline.runId} movement={baseline.movement} />}
        {workflowId && (
          <a href={workflowHref(workflowId)} data-testid="workflow-link">
            workflow
          </a>
        )}
        {workflowId && <a href={timelineHref(workflowId)}>timeline</a>}
        {parentRunId && (
          <span data-testid="parent-run">
            re-run of <a href={runHref(parentRunId)}>{parentRunId}</a>
            {isFinal(status) && (
              <>
                {' · '}
                <a href={diffHref(parentRunId, runId)} data-testid="parent-diff-link">
                  diff with parent
                </a>
              </>
            )}
          </span>
        )}
        {!isFinal(status) && summary && (
          <button onClick={() => void cancel()} data-testid="cancel-run">
            Cancel run
          </button>
        )}
        {isFinal(status) && summary && (
          <button onClick={() => void rerun()} data-testid="rerun-run" title="A new run of the same workflow version with the same inputs">
            Re-run
          </button>
        )}
        {status === 'failed' && summary && (
          <button onClick={() => void rerun({ from: 'failed' })} data-testid="resume-failed" title="Re-execute the failed and skipped nodes, reusing what completed">
            Resume from failed
          </button>
        )}
      </div>
      {(error ?? definition.error) && <div className="error banner">{error ?? definition.error?.message}</div>}
      {!isFinal(status) && waiting.length > 0 && (
        <div className="approvals" data-testid="approvals">
          {waiting.map(([nodeId, node]) => (
            <div className="approval" key={nodeId} data-testid={`approval-${nodeId}`}>
              <strong>{nodeId}</strong> <span>{node.lastMessage}</span>
              <button onClick={() => void decide(nodeId, true)} data-testid={`approve-${nodeId}`}>
                Approve
              </button>
              <button onClick={() => void decide(nodeId, false)} data-testid={`reject-${nodeId}`}>
                Reject
              </button>
            </div>
          ))}
        </div>
      )}
      <RunView runId={runId} nodes={nodes} trace={trace} runStatus={status} inspect="live" />
    </div>
  );
}

/**
 * The run's baseline: the one its summary recorded when it completed, with how its findings moved. A finished run
 * without one asks the baseline diff once, because a baseline pinned after it finished applies to it too; a 404
 * (no baseline) shows nothing. Undefined while not known yet (the run has not finished, or the answer is on its way).
 */
function useBaseline(runId: string, summary: RunSummary | null): { runId: string; movement?: Movement } | null | undefined {
  const recorded = summary?.baseline;
  const finishedWithout = summary !== null && isFinal(summary.status) && !recorded;
  const asked = useQuery({
    queryKey: ['baseline-diff', runId],
    queryFn: () =>
      api.diff(runId, baselineRunId).then(
        (diff): { runId: string; movement: Movement } | null => ({ runId: diff.runId, movement: movementOf(diff) }),
        (e: unknown) => {
          // No baseline (404) is the common answer and shows nothing; any other failure hides the badge too.
          if (!(e instanceof ApiError)) console.warn('baseline diff', e);
          return null;
        },
      ),
    enabled: finishedWithout,
    staleTime: Infinity,
  });
  if (recorded) return { runId: recorded.runId, movement: recorded };
  return finishedWithout ? asked.data : undefined;
}

/** The definition a run executed (its workflow version), fetched once per version and shared by every view of it. */
export function useDefinition(workflowId: string | undefined, workflowVersion: number | undefined) {
  return useQuery({
    queryKey: ['definition', workflowId, workflowVersion],
    // The version the run executed: a re-run of an older run draws that version's nodes, not the latest.
    queryFn: () => definitionForRun(workflowId!, workflowVersion),
    enabled: workflowId !== undefined,
    // A stored workflow version never changes.
    staleTime: Infinity,
  });
}
