// The realtime contract's client algorithm, against a fake hub connection and a fake REST API.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TraceEvent } from '../api/contracts';
import type { RunTraceState } from '../state/fold';

const handlers = new Map<string, (arg: unknown) => void>();
let hubAvailable = true;
let reconnected: ((id: string) => void) | undefined;

vi.mock('./hub', () => ({
  connectHub: async (register: (c: unknown) => void, live: { onReconnected: (id: string) => void }) => {
    if (!hubAvailable) return null;
    const connection = { connectionId: 'conn-1', on: (name: string, fn: (arg: unknown) => void) => handlers.set(name, fn), stop: async () => undefined };
    register(connection);
    reconnected = live.onReconnected;
    return { connection, accessToken: () => 'token-1' };
  },
}));

const { RunFeed } = await import('./runFeed');

const ev = (sequence: number, nodeId = 'a'): TraceEvent => ({
  id: `e${sequence}`,
  runId: 'run-1',
  nodeId,
  attempt: 1,
  type: sequence === 1 ? 'NODE_STARTED' : 'NODE_LOG',
  level: 'info',
  timestamp: '2026-01-01T00:00:00Z',
  sequence,
  message: `line ${sequence}`,
});

/** A fake API whose stored trace is `stored`; records every request. */
function fakeApi(stored: TraceEvent[]) {
  const requests: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    requests.push(`${init?.method ?? 'GET'} ${url}`);
    const json = (body: unknown, status = 200) => new Response(body === undefined ? null : JSON.stringify(body), { status });
    if (url.includes('/subscribe')) return json(undefined, 204);
    if (url.endsWith('/status')) return json({ runId: 'run-1', workflowId: 'w', status: 'running', createdAt: '', updatedAt: '', progress: { nodesTotal: 1, nodesCompleted: 0, nodesFailed: 0, nodesRunning: 1 } });
    const after = Number(/after=(\d+)/.exec(url)?.[1] ?? 0);
    const events = stored.filter((e) => e.sequence > after);
    return json({ runId: 'run-1', events, nextCursor: events.at(-1)?.sequence ?? after, hasMore: false, next: '' });
  });
  return requests;
}

afterEach(() => {
  handlers.clear();
  hubAvailable = true;
  vi.unstubAllGlobals();
});

describe('RunFeed', () => {
  it('subscribes, reads the stored trace, then applies live events after the cursor and drops duplicates', async () => {
    const stored = [ev(1), ev(2)];
    const requests = fakeApi(stored);
    let state: RunTraceState | undefined;
    const modes: string[] = [];
    const feed = new RunFeed('run-1', { onTrace: (s) => (state = s), onSummary: () => undefined, onMode: (m) => modes.push(m), onError: () => undefined });
    await feed.start();

    expect(requests[0]).toBe('POST api/workflows/runs/run-1/subscribe');
    expect(requests).toContain('GET api/workflows/runs/run-1/trace?after=0&limit=2000');
    expect(modes).toContain('live');
    expect(state!.cursor).toBe(2);

    handlers.get('traceEvents')!({ runId: 'run-1', events: [ev(2), ev(3)] });
    expect(state!.cursor).toBe(3);
    expect(state!.events.map((e) => e.sequence)).toEqual([1, 2, 3]);

    handlers.get('traceEvents')!({ runId: 'other-run', events: [ev(4)] });
    expect(state!.cursor).toBe(3);
    await feed.stop();
  });

  it('re-fetches from the cursor on a gap and after a reconnect', async () => {
    const stored = [ev(1)];
    const requests = fakeApi(stored);
    let state: RunTraceState | undefined;
    const feed = new RunFeed('run-1', { onTrace: (s) => (state = s), onSummary: () => undefined, onMode: () => undefined, onError: () => undefined });
    await feed.start();
    expect(state!.cursor).toBe(1);

    stored.push(ev(2), ev(3), ev(4));
    handlers.get('traceEvents')!({ runId: 'run-1', events: [ev(4)] }); // 2 and 3 were missed
    await vi.waitFor(() => expect(state!.cursor).toBe(4));
    expect(requests).toContain('GET api/workflows/runs/run-1/trace?after=1&limit=2000');

    stored.push(ev(5));
    reconnected!('conn-2');
    await vi.waitFor(() => expect(state!.cursor).toBe(5));
    expect(requests).toContain('POST api/workflows/runs/run-1/subscribe');
    await feed.stop();
  });

  it('polls the trace when there is no realtime endpoint', async () => {
    vi.useFakeTimers();
    hubAvailable = false;
    const stored = [ev(1)];
    fakeApi(stored);
    let state: RunTraceState | undefined;
    const modes: string[] = [];
    const feed = new RunFeed('run-1', { onTrace: (s) => (state = s), onSummary: () => undefined, onMode: (m) => modes.push(m), onError: () => undefined });
    await feed.start();
    expect(modes.at(-1)).toBe('polling');
    expect(state!.cursor).toBe(1);

    stored.push(ev(2));
    await vi.advanceTimersByTimeAsync(1000);
    expect(state!.cursor).toBe(2);
    await feed.stop();
    vi.useRealTimers();
  });
});
