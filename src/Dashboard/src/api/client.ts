// Thin fetch wrappers over the REST API, typed by contracts.ts.
import type {
  JsonValue,
  ScheduleRequest,
  WorkflowSchedule,
  WorkflowScheduleList,
  NegotiateResponse,
  NodeInspection,
  PinnedBaseline,
  RunAttempts,
  RunFindingsResponse,
  Problem,
  RunDiff,
  RunList,
  RunSearchPage,
  RunState,
  RerunRequest,
  RunSummary,
  RunTimeline,
  StartedRun,
  TraceEvent,
  TracePage,
  WorkflowDefinition,
  WorkflowDescription,
  WorkflowFindings,
  WorkflowVersionResponse,
} from './contracts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// The anti-forgery proof the API asks of cookie-authenticated requests that change state: a page of another
// origin cannot add a custom header without a CORS preflight, which the API never grants.
export const antiForgeryHeaders = { 'X-ShipSec-Client': 'dashboard' } as const;

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { Accept: 'application/json', ...antiForgeryHeaders, ...(init?.body ? { 'Content-Type': 'application/json' } : {}) },
  });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = (await response.json()) as Problem;
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // Not a problem document; the status text will do.
    }
    throw new ApiError(response.status, `${response.status}: ${detail}`);
  }
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}

const enc = encodeURIComponent;

/** The other run of a diff that means "the run's baseline" (the server's BaselineFunctions.BaselineSegment). */
export const baselineRunId = 'baseline';

export const api = {
  listRuns: (workflowId?: string, limit = 100) =>
    request<RunList>(`api/workflows/runs?limit=${limit}${workflowId ? `&workflowId=${enc(workflowId)}` : ''}`),
  runStatus: (runId: string) => request<RunSummary>(`api/workflows/runs/${enc(runId)}/status`),
  trace: (runId: string, after: number, limit = 2000) => request<TracePage>(`api/workflows/runs/${enc(runId)}/trace?after=${after}&limit=${limit}`),
  workflow: (workflowId: string) => request<WorkflowDescription>(`api/workflows/${enc(workflowId)}`),
  startRun: (workflowId: string, inputs?: { [name: string]: JsonValue }) =>
    request<StartedRun>(`api/workflows/${enc(workflowId)}/runs`, { method: 'POST', ...(inputs ? { body: JSON.stringify({ inputs }) } : {}) }),
  rerun: (runId: string, body: RerunRequest = {}) =>
    request<StartedRun>(`api/workflows/runs/${enc(runId)}/rerun`, { method: 'POST', body: JSON.stringify(body) }),
  findings: (runId: string) => request<RunFindingsResponse>(`api/workflows/runs/${enc(runId)}/findings`),
  decide: (runId: string, nodeId: string, approve: boolean, comment?: string) =>
    request<unknown>(`api/workflows/runs/${enc(runId)}/nodes/${enc(nodeId)}/decision`, { method: 'POST', body: JSON.stringify({ approve, comment }) }),
  cancelRun: (runId: string) => request<unknown>(`api/workflows/runs/${enc(runId)}/cancel`, { method: 'POST' }),
  negotiate: () => request<NegotiateResponse>('api/negotiate', { method: 'POST' }),
  /** accessToken: the token the subscribing connection itself was connected with (LiveConnection.accessToken). */
  subscribeRun: (runId: string, accessToken: string) =>
    request<void>(`api/workflows/runs/${enc(runId)}/subscribe`, { method: 'POST', body: JSON.stringify({ accessToken }) }),
  unsubscribeRun: (runId: string, accessToken: string) =>
    request<void>(`api/workflows/runs/${enc(runId)}/unsubscribe`, { method: 'POST', body: JSON.stringify({ accessToken }) }),
  subscribeRuns: (accessToken: string) => request<void>('api/workflows/runs/subscribe', { method: 'POST', body: JSON.stringify({ accessToken }) }),
  timeline: (workflowId: string, from?: string, to?: string) =>
    request<RunTimeline>(`api/workflows/${enc(workflowId)}/runs/timeline${query({ from, to })}`),
  runState: (runId: string, at?: { at?: string; sequence?: number }) =>
    request<RunState>(`api/workflows/runs/${enc(runId)}/state${query({ at: at?.at, sequence: at?.sequence?.toString() })}`),
  /** otherRunId `baseline` (baselineRunId) compares the run's baseline (A) with the run (B); 404 `baseline-not-found` when it has none. */
  diff: (runId: string, otherRunId: string) => request<RunDiff>(`api/workflows/runs/${enc(runId)}/diff/${enc(otherRunId)}`),
  workflowFindings: (workflowId: string) => request<WorkflowFindings>(`api/workflows/${enc(workflowId)}/findings`),
  pinBaseline: (workflowId: string, runId: string) =>
    request<PinnedBaseline>(`api/workflows/${enc(workflowId)}/baseline`, { method: 'PUT', body: JSON.stringify({ runId }) }),
  unpinBaseline: (workflowId: string) => request<void>(`api/workflows/${enc(workflowId)}/baseline`, { method: 'DELETE' }),
  schedules: (workflowId: string) => request<WorkflowScheduleList>(`api/workflows/${enc(workflowId)}/schedules`),
  createSchedule: (workflowId: string, body: ScheduleRequest) =>
    request<WorkflowSchedule>(`api/workflows/${enc(workflowId)}/schedules`, { method: 'POST', body: JSON.stringify(body) }),
  deleteSchedule: (workflowId: string, scheduleId: string) =>
    request<void>(`api/workflows/${enc(workflowId)}/schedules/${enc(scheduleId)}`, { method: 'DELETE' }),
  /** The node as the trace ends, or after the event at `sequence` (a replay's moment). */
  inspectNode: (runId: string, nodeId: string, sequence?: number) =>
    request<NodeInspection>(`api/workflows/runs/${enc(runId)}/nodes/${enc(nodeId)}${sequence === undefined ? '' : `?sequence=${sequence}`}`),
  search: (filters: {
    q: string;
    workflowId?: string | undefined;
    level?: string | undefined;
    nodeId?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    cursor?: string | undefined;
    limit?: number;
  }) =>
    request<RunSearchPage>(
      `api/search${query({ q: filters.q, workflowId: filters.workflowId, level: filters.level, nodeId: filters.nodeId, from: filters.from, to: filters.to, cursor: filters.cursor, limit: filters.limit?.toString() })}`,
    ),
  workflowVersion: (workflowId: string, version: number) => request<WorkflowVersionResponse>(`api/workflows/${enc(workflowId)}/versions/${version}`),
  attempts: (runId: string) => request<RunAttempts>(`api/workflows/runs/${enc(runId)}/attempts`),
};

function query(values: Record<string, string | undefined>): string {
  const entries = Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${entries.map(([k, v]) => `${k}=${enc(v)}`).join('&')}`;
}

/** Every stored event of a run, read page by page from the cursor. */
export async function fetchWholeTrace(runId: string, onPage?: (loaded: number) => void): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await api.trace(runId, after, 5000);
    for (const e of page.events) events.push(e);
    onPage?.(events.length);
    if (!page.hasMore || page.events.length === 0) return events;
    after = page.nextCursor;
  }
}

/**
 * The definition a run executed: its workflow version when the server knows it (the versions route),
 * else the workflow's latest definition.
 */
export async function definitionForRun(workflowId: string, version: number | undefined): Promise<WorkflowDefinition> {
  if (version !== undefined) {
    try {
      const found = await api.workflowVersion(workflowId, version);
      return 'definition' in found ? found.definition : found;
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 405)) throw error;
    }
  }
  return (await api.workflow(workflowId)).definition;
}

export const artifactUrl = (runId: string, artifactId: string) => `api/workflows/runs/${enc(runId)}/artifacts/${enc(artifactId)}`;
