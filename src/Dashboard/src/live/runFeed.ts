// Keeps one run's folded trace current, by the realtime contract's client algorithm: negotiate, connect,
// subscribe, fetch the stored trace by cursor, apply live events after the cursor (duplicates dropped by
// the fold), and re-fetch from the cursor on reconnect or on a sequence gap. Without a realtime endpoint
// it polls the trace every second through the same fold.
import { api } from '../api/client';
import type { RunSummary, TraceEventsMessage } from '../api/contracts';
import { applyEvents, emptyTrace, isFinal, type RunTraceState } from '../state/fold';
import { connectHub, type LiveConnection } from './hub';

export type FeedMode = 'connecting' | 'live' | 'polling' | 'stopped';

export interface RunFeedCallbacks {
  onTrace: (state: RunTraceState) => void;
  onSummary: (summary: RunSummary) => void;
  onMode: (mode: FeedMode) => void;
  onError: (message: string) => void;
}

export const pollIntervalMs = 1000;

export class RunFeed {
  private state: RunTraceState = emptyTrace;
  private live: LiveConnection | null = null;
  private fetching: Promise<void> | null = null;
  private fetchAgain = false;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private summary: RunSummary | undefined;

  constructor(
    private readonly runId: string,
    private readonly callbacks: RunFeedCallbacks,
  ) {}

  async start(): Promise<void> {
    this.callbacks.onMode('connecting');
    const live = await connectHub(
      (c) => {
        c.on('traceEvents', (message: TraceEventsMessage) => this.onLive(message));
        c.on('runUpdated', (summary: RunSummary) => summary.runId === this.runId && this.setSummary(summary));
      },
      {
        onReconnected: () => {
          if (!this.live) return;
          void api
            .subscribeRun(this.runId, this.live.accessToken())
            .catch(() => undefined)
            .then(() => this.catchUp());
        },
        onClosed: () => {
          if (!this.stopped) this.startPolling();
        },
      },
    );
    if (this.stopped) {
      await live?.connection.stop();
      return;
    }
    // Subscribed before the first read: whatever commits after the subscription arrives live, whatever committed
    // before it is in the read, and events in both are dropped by sequence.
    if (live) {
      try {
        await api.subscribeRun(this.runId, live.accessToken());
        this.live = live;
        this.callbacks.onMode('live');
      } catch {
        await live.connection.stop();
      }
    }
    await this.refreshSummary();
    await this.catchUp();
    if (!this.live) this.startPolling();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    this.callbacks.onMode('stopped');
    const live = this.live;
    this.live = null;
    if (live) {
      await api.unsubscribeRun(this.runId, live.accessToken()).catch(() => undefined);
      await live.connection.stop();
    }
  }

  private onLive(message: TraceEventsMessage): void {
    if (message.runId !== this.runId || this.stopped) return;
    const result = applyEvents(this.state, message.events);
    this.publish(result.state);
    // Live events may arrive before the stored trace is read; that shows as a gap, filled by the fetch.
    if (result.gap) void this.catchUp();
  }

  /** Reads the stored trace from the cursor until it is exhausted; concurrent calls coalesce. */
  catchUp(): Promise<void> {
    if (this.fetching) {
      this.fetchAgain = true;
      return this.fetching;
    }
    this.fetching = (async () => {
      try {
        do {
          this.fetchAgain = false;
          let hasMore = true;
          while (hasMore && !this.stopped) {
            const page = await api.trace(this.runId, this.state.cursor);
            const result = applyEvents(this.state, page.events);
            this.publish(result.state);
            hasMore = page.hasMore && result.applied > 0;
          }
        } while (this.fetchAgain && !this.stopped);
      } catch (error) {
        this.callbacks.onError(error instanceof Error ? error.message : String(error));
      } finally {
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  private startPolling(): void {
    if (this.stopped) return;
    this.live = null;
    this.callbacks.onMode('polling');
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      const wasFinal = isFinal(this.summary?.status);
      await this.catchUp();
      if (!wasFinal) await this.refreshSummary();
      // One more read after the run ended picks up its last events; then there is nothing left to wait for.
      if (!this.stopped && !(wasFinal && isFinal(this.summary?.status))) {
        this.pollTimer = setTimeout(() => void tick(), pollIntervalMs);
      }
    };
    this.pollTimer = setTimeout(() => void tick(), pollIntervalMs);
  }

  private async refreshSummary(): Promise<void> {
    try {
      this.setSummary(await api.runStatus(this.runId));
    } catch (error) {
      this.callbacks.onError(error instanceof Error ? error.message : String(error));
    }
  }

  private setSummary(summary: RunSummary): void {
    this.summary = summary;
    this.callbacks.onSummary(summary);
  }

  private publish(state: RunTraceState): void {
    if (state === this.state || this.stopped) return;
    this.state = state;
    this.callbacks.onTrace(state);
  }
}
