// The race behind "the run page stops following the run": the runs list and a run page connect at the same time
// (following a link from the list), each negotiates its own token, and the server joins only the subject of the
// token a subscription presents. Runs the real hub.ts, RunFeed and RunsFeed against a fake SignalR client and a
// fake server that delivers a group's messages only to connections whose token joined it, as both hosts do.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TraceEvent } from '../api/contracts';
import type { RunTraceState } from '../state/fold';

interface FakeConnection {
  token: () => Promise<string>;
  handlers: Map<string, (arg: unknown) => void>;
  started: Promise<void>;
  release: () => void;
  subject?: string;
}

const connections: FakeConnection[] = [];

vi.mock('@microsoft/signalr', () => {
  class HubConnectionBuilder {
    private factory: () => Promise<string> = async () => '';
    withUrl(_url: string, options: { accessTokenFactory: () => Promise<string> }) {
      this.factory = options.accessTokenFactory;
      return this;
    }
    withAutomaticReconnect() {
      return this;
    }
    configureLogging() {
      return this;
    }
    build() {
      let release = () => undefined as void;
      const started = new Promise<void>((r) => (release = r));
      const fake: FakeConnection = { token: this.factory, handlers: new Map(), started, release };
      connections.push(fake);
      return {
        connectionId: `conn-${connections.length}`,
        on: (name: string, fn: (arg: unknown) => void) => fake.handlers.set(name, fn),
        onreconnected: () => undefined,
        onclose: () => undefined,
        // The server knows a connection by the token it connected with.
        start: async () => {
          fake.subject = await fake.token();
          await fake.started;
        },
        stop: async () => undefined,
      };
    }
  }
  return { HubConnectionBuilder, LogLevel: { Warning: 3 } };
});

const { RunFeed } = await import('./runFeed');
const { RunsFeed } = await import('./runsFeed');

const ev = (sequence: number): TraceEvent => ({
  id: `e${sequence}`,
  runId: 'run-1',
  nodeId: 'gate',
  attempt: 1,
  type: sequence === 1 ? 'NODE_STARTED' : 'NODE_LOG',
  level: 'info',
  timestamp: '2026-01-01T00:00:00Z',
  sequence,
  message: `line ${sequence}`,
});

/** A fake server: one subject per negotiate, groups joined by the subscribing token's subject. */
function fakeServer(stored: TraceEvent[]) {
  let negotiated = 0;
  const groups = new Map<string, Set<string>>();
  const negotiates: Array<() => void> = [];
  const reads: Array<() => void> = [];
  let holdNegotiate = false;
  let holdReads = false;
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    const json = (body: unknown, status = 200) => new Response(body === undefined ? null : JSON.stringify(body), { status });
    if (url.endsWith('api/negotiate')) {
      const token = `token-${++negotiated}`;
      if (holdNegotiate) await new Promise<void>((r) => negotiates.push(r));
      return json({ url: 'http://hub', accessToken: token, runIds: ['*'] });
    }
    const subscribe = /runs\/(?:([^/]+)\/)?subscribe$/.exec(url);
    if (subscribe) {
      const group = subscribe[1] ? `run:${subscribe[1]}` : 'runs';
      const { accessToken } = JSON.parse(String(init?.body)) as { accessToken: string };
      groups.set(group, (groups.get(group) ?? new Set()).add(accessToken));
      return json(undefined, 204);
    }
    if (url.endsWith('/unsubscribe')) return json(undefined, 204);
    if (url.endsWith('/status')) return json({ runId: 'run-1', workflowId: 'w', status: 'running', createdAt: '', updatedAt: '', progress: { nodesTotal: 2, nodesCompleted: 0, nodesFailed: 0, nodesRunning: 1 } });
    if (url.includes('/trace')) {
      const after = Number(/after=(\d+)/.exec(url)?.[1] ?? 0);
      // The read's snapshot is taken when it arrives; holding it lets events commit after that.
      const events = stored.filter((e) => e.sequence > after);
      if (holdReads) await new Promise<void>((r) => reads.push(r));
      return json({ runId: 'run-1', events, nextCursor: events.at(-1)?.sequence ?? after, hasMore: false, next: '' });
    }
    return json({ runs: [] });
  });
  return {
    hold: (on: boolean) => (holdNegotiate = on),
    releaseNegotiate: () => negotiates.shift()?.(),
    holdReads: (on: boolean) => (holdReads = on),
    pendingReads: () => reads.length,
    releaseRead: () => reads.shift()?.(),
    /** Commits events and sends them to every connection whose subject joined the run's group. */
    commit: (...events: TraceEvent[]) => {
      stored.push(...events);
      for (const c of connections) {
        if (c.subject && groups.get('run:run-1')?.has(c.subject)) c.handlers.get('traceEvents')?.({ runId: 'run-1', events });
      }
    },
  };
}

afterEach(() => {
  connections.length = 0;
  vi.unstubAllGlobals();
});

describe('live subscriptions', () => {
  it('a run page opened while the runs list connects keeps receiving events after its first read', async () => {
    const server = fakeServer([ev(1), ev(2)]);
    let state: RunTraceState | undefined;
    const modes: string[] = [];
    const page = new RunFeed('run-1', { onTrace: (s) => (state = s), onSummary: () => undefined, onMode: (m) => modes.push(m), onError: () => undefined });
    const list = new RunsFeed(undefined, () => undefined, () => undefined, () => undefined, () => undefined);

    // The run page negotiates first; the list's negotiate answers later, while the page's connection is still
    // starting: with one page-wide token, the page then subscribed with the list's token.
    server.hold(true);
    const pageStarting = page.start();
    const listStarting = list.start();
    server.releaseNegotiate();
    await vi.waitFor(() => expect(connections).toHaveLength(1));
    server.releaseNegotiate();
    await vi.waitFor(() => expect(connections).toHaveLength(2));
    connections[0].release();
    await pageStarting;
    connections[1].release();
    await listStarting;
    await list.stop();
    expect(modes.at(-1)).toBe('live');
    expect(state!.cursor).toBe(2);

    // The decision and what follows it commit after the first read: they must reach the page live.
    server.commit(ev(3), ev(4));
    expect(state!.cursor).toBe(4);
    await page.stop();
  });

  it('events that commit between the subscription and the first read are applied once, in order', async () => {
    const server = fakeServer([ev(1)]);
    let state: RunTraceState | undefined;
    const page = new RunFeed('run-1', { onTrace: (s) => (state = s), onSummary: () => undefined, onMode: () => undefined, onError: () => undefined });
    server.holdReads(true);
    const starting = page.start();
    await vi.waitFor(() => expect(connections).toHaveLength(1));
    connections[0].release();
    // The first read has taken its snapshot (event 1) but not answered; 2 and 3 commit and arrive live first.
    await vi.waitFor(() => expect(server.pendingReads()).toBe(1));
    server.commit(ev(2), ev(3));
    server.holdReads(false);
    server.releaseRead();
    await starting;
    server.commit(ev(3), ev(4));
    await vi.waitFor(() => expect(state!.cursor).toBe(4));
    expect(state!.events.map((e) => e.sequence)).toEqual([1, 2, 3, 4]);
    await page.stop();
  });
});
