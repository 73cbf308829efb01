// Addresses of the dashboard's views. Every view is a hash URL (the host serves one index.html, so the path part
// stays /), and everything a person sees on a run page is in it: the run, replay position (seq), the selected
// node, the console's filters and the inspector's tab. A link pasted into a chat opens the same picture.
// The routes themselves are App.tsx's route table (react-router).
import { traceEventLevels, type TraceEventLevel } from './api/contracts';

/** What a run page shows besides the run itself; each field is one query parameter. */
export interface RunViewState {
  /** The selected node: its inspector is open and the console shows its lines. */
  node?: string | undefined;
  /** The console's lowest level shown. */
  level?: TraceEventLevel | undefined;
  /** The console's text filter. */
  text?: string | undefined;
  /** The inspector's tab. */
  tab?: string | undefined;
}

/** A run page in replay mode, opened at a sequence (events applied) or a moment (epoch ms). */
export interface ReplayPoint {
  seq?: number | undefined;
  at?: number | undefined;
}

const enc = encodeURIComponent;

function query(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const runHref = (runId: string, view: RunViewState = {}) => `#/runs/${enc(runId)}${query({ ...view })}`;
export const replayHref = (runId: string, at?: number, view: RunViewState & { seq?: number } = {}) =>
  `#/runs/${enc(runId)}${query({ mode: 'replay', seq: view.seq, at: at === undefined ? undefined : Math.round(at), node: view.node, level: view.level, text: view.text, tab: view.tab })}`;
export const timelineHref = (workflowId?: string) => `#/timeline${query({ workflow: workflowId })}`;
export const diffHref = (runA: string, runB: string) => `#/diff/${enc(runA)}/${enc(runB)}`;
export const baselineDiffHref = (runId: string) => `#/runs/${enc(runId)}/diff/baseline`;
export const workflowHref = (workflowId: string) => `#/workflows/${enc(workflowId)}`;
export const runsHref = (workflowId?: string) => `#/${query({ workflow: workflowId })}`;

/** Filters of the search page; each is one query parameter of #/search. */
export interface SearchFilters {
  q: string;
  workflowId?: string | undefined;
  level?: TraceEventLevel | undefined;
  nodeId?: string | undefined;
  /** ISO 8601 moments bounding the events' timestamps. */
  from?: string | undefined;
  to?: string | undefined;
}
export const searchHref = (filters: SearchFilters) =>
  `#/search${query({ q: filters.q, workflowId: filters.workflowId, level: filters.level, nodeId: filters.nodeId, from: filters.from, to: filters.to })}`;

type Navigator = (to: string, options?: { replace?: boolean }) => void;
let navigator: Navigator = (to) => {
  window.location.hash = to;
};

/** App.tsx hands its router's navigate over once it exists, so code outside components can move too. */
export function setNavigator(next: Navigator): void {
  navigator = next;
}

/** Goes to a view by one of the hrefs above (`#/…`). */
export function navigate(href: string, options?: { replace?: boolean }): void {
  navigator(href.replace(/^#/, ''), options);
}

/** A level query parameter, or undefined when it names no level. */
export const levelParam = (value: string | null): TraceEventLevel | undefined =>
  traceEventLevels.includes(value as TraceEventLevel) ? (value as TraceEventLevel) : undefined;
