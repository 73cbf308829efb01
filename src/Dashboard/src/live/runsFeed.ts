// Keeps the runs list current: `runUpdated` on group `runs` when the realtime endpoint exists, else a poll.
import { api } from '../api/client';
import type { RunSummary } from '../api/contracts';
import { connectHub, type LiveConnection } from './hub';
import type { FeedMode } from './runFeed';

const pollIntervalMs = 2000;

export class RunsFeed {
  private live: LiveConnection | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly workflowId: string | undefined,
    private readonly onList: (runs: RunSummary[]) => void,
    private readonly onUpdate: (run: RunSummary) => void,
    private readonly onMode: (mode: FeedMode) => void,
    private readonly onError: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    this.onMode('connecting');
    const live = await connectHub((c) => c.on('runUpdated', (run: RunSummary) => this.accept(run)), {
      onReconnected: () => void (this.live ? api.subscribeRuns(this.live.accessToken()).catch(() => undefined) : Promise.resolve()).then(() => this.load()),
      onClosed: () => !this.stopped && this.poll(),
    });
    if (this.stopped) {
      await live?.connection.stop();
      return;
    }
    if (live) {
      try {
        await api.subscribeRuns(live.accessToken());
        this.live = live;
        this.onMode('live');
      } catch {
        await live.connection.stop();
      }
    }
    await this.load();
    if (!this.live) this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.live?.connection.stop();
  }

  private accept(run: RunSummary): void {
    if (!this.workflowId || run.workflowId === this.workflowId) this.onUpdate(run);
  }

  private async load(): Promise<void> {
    try {
      const list = await api.listRuns(this.workflowId);
      if (!this.stopped) this.onList(list.runs);
    } catch (error) {
      this.onError(error instanceof Error ? error.message : String(error));
    }
  }

  private poll(): void {
    this.live = null;
    this.onMode('polling');
    const tick = async (): Promise<void> => {
      await this.load();
      if (!this.stopped) this.timer = setTimeout(() => void tick(), pollIntervalMs);
    };
    this.timer = setTimeout(() => void tick(), pollIntervalMs);
  }
}
