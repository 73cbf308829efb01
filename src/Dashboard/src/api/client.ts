// Thin fetch wrappers over the REST API, typed by contracts.ts.
import { realtimeToken } from '../live/token';
import type { NegotiateResponse, Problem, RunList, RunSummary, StartedRun, TracePage, WorkflowDescription } from './contracts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, { ...init, headers: { Accept: 'application/json', ...(init?.body ? { 'Content-Type': 'application/json' } : {}) } });
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

export const api = {
  listRuns: (workflowId?: string, limit = 100) =>
    request<RunList>(`api/workflows/runs?limit=${limit}${workflowId ? `&workflowId=${enc(workflowId)}` : ''}`),
  runStatus: (runId: string) => request<RunSummary>(`api/workflows/runs/${enc(runId)}/status`),
  trace: (runId: string, after: number, limit = 2000) => request<TracePage>(`api/workflows/runs/${enc(runId)}/trace?after=${after}&limit=${limit}`),
  workflow: (workflowId: string) => request<WorkflowDescription>(`api/workflows/${enc(workflowId)}`),
  startRun: (workflowId: string) => request<StartedRun>(`api/workflows/${enc(workflowId)}/runs`, { method: 'POST' }),
  cancelRun: (runId: string) => request<unknown>(`api/workflows/runs/${enc(runId)}/cancel`, { method: 'POST' }),
  negotiate: () => request<NegotiateResponse>('api/negotiate', { method: 'POST' }),
  subscribeRun: (runId: string, connectionId: string) =>
    request<void>(`api/workflows/runs/${enc(runId)}/subscribe`, { method: 'POST', body: JSON.stringify({ connectionId, accessToken: realtimeToken() }) }),
  unsubscribeRun: (runId: string, connectionId: string) =>
    request<void>(`api/workflows/runs/${enc(runId)}/unsubscribe`, { method: 'POST', body: JSON.stringify({ connectionId, accessToken: realtimeToken() }) }),
  subscribeRuns: (connectionId: string) =>
    request<void>('api/workflows/runs/subscribe', { method: 'POST', body: JSON.stringify({ connectionId, accessToken: realtimeToken() }) }),
};

export const artifactUrl = (runId: string, artifactId: string) => `api/workflows/runs/${enc(runId)}/artifacts/${enc(artifactId)}`;
