// A tiny hash router: #/ (runs), #/runs/<runId>[?mode=replay&at=<epoch ms>], #/timeline?workflow=<id>,
// #/diff/<runA>/<runB>, #/runs/<runId>/diff/baseline (the run against its baseline), #/workflows/<id>
// (its runs, open findings and baseline), #/perf?events=N.
import { useEffect, useState } from 'react';

export interface Route {
  path: string[];
  query: URLSearchParams;
}

function parse(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = hash.split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const onChange = () => setRoute(parse());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}

export const runHref = (runId: string) => `#/runs/${encodeURIComponent(runId)}`;
export const replayHref = (runId: string, at?: number) => `#/runs/${encodeURIComponent(runId)}?mode=replay${at !== undefined ? `&at=${Math.round(at)}` : ''}`;
export const timelineHref = (workflowId?: string) => `#/timeline${workflowId ? `?workflow=${encodeURIComponent(workflowId)}` : ''}`;
export const diffHref = (runA: string, runB: string) => `#/diff/${encodeURIComponent(runA)}/${encodeURIComponent(runB)}`;
export const baselineDiffHref = (runId: string) => `#/runs/${encodeURIComponent(runId)}/diff/baseline`;
export const workflowHref = (workflowId: string) => `#/workflows/${encodeURIComponent(workflowId)}`;
