import { describe, expect, it } from 'vitest';
import type { TraceEvent, TraceEventType } from '../api/contracts';
import { applyEvents, emptyTrace, type RunTraceState } from './fold';
import { checkpointEvery, ReplayPlayer, ReplayTimeline, type PlayerState, type ReplayClock } from './replay';

const t0 = Date.parse('2026-11-25T13:00:00Z');

function ev(sequence: number, ms: number, type: TraceEventType, nodeId?: string, extra: Partial<TraceEvent> = {}): TraceEvent {
  return {
    id: `e${sequence}`,
    runId: 'run-1',
    attempt: 1,
    level: 'info',
    timestamp: new Date(t0 + ms).toISOString(),
    sequence,
    type,
    ...(nodeId ? { nodeId } : {}),
    ...extra,
  };
}

/** log → sleep 3 s → log, like the browser test's workflow. */
function threeNodeRun(): TraceEvent[] {
  let s = 0;
  return [
    ev(++s, 0, 'WORKFLOW_STATUS', undefined, { status: 'running', attempt: 0 }),
    ev(++s, 10, 'NODE_STARTED', 'first'),
    ev(++s, 20, 'NODE_LOG', 'first', { message: 'hello' }),
    ev(++s, 30, 'NODE_COMPLETED', 'first'),
    ev(++s, 100, 'NODE_STARTED', 'wait'),
    ev(++s, 1100, 'NODE_PROGRESS', 'wait', { progress: { current: 1000, total: 3000 } }),
    ev(++s, 2100, 'NODE_PROGRESS', 'wait', { progress: { current: 2000, total: 3000 } }),
    ev(++s, 3100, 'NODE_COMPLETED', 'wait'),
    ev(++s, 3200, 'NODE_STARTED', 'last'),
    ev(++s, 3210, 'NODE_COMPLETED', 'last'),
    ev(++s, 3300, 'WORKFLOW_STATUS', undefined, { status: 'completed', attempt: 0 }),
  ];
}

/** A long synthetic run with retries and progress across several nodes. */
function longRun(count: number): TraceEvent[] {
  const nodes = ['a', 'b', 'c', 'd'];
  const events: TraceEvent[] = [];
  for (let i = 1; i <= count; i++) {
    const nodeId = nodes[i % nodes.length]!;
    const kind = i % 97 === 0 ? 'NODE_FAILED' : i % 89 === 0 ? 'NODE_STARTED' : i % 7 === 0 ? 'NODE_PROGRESS' : 'NODE_LOG';
    events.push(
      ev(i, i * 3, kind, nodeId, {
        message: `m${i}`,
        ...(kind === 'NODE_PROGRESS' ? { progress: { current: i, total: count } } : {}),
        ...(kind === 'NODE_FAILED' ? { error: { message: 'x', kind: 'exception', willRetry: i % 2 === 0 } } : {}),
      }),
    );
  }
  return events;
}

const foldAll = (events: readonly TraceEvent[]): RunTraceState => applyEvents(emptyTrace, events).state;

/** A clock the test moves by hand; it records every delay the player asked for. */
class ManualClock implements ReplayClock {
  time = 0;
  delays: number[] = [];
  private pending: { at: number; callback: () => void; id: number } | undefined;
  private ids = 0;
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    this.delays.push(ms);
    this.pending = { at: this.time + ms, callback, id: ++this.ids };
    return this.ids;
  };
  clearTimeout = (handle: unknown) => {
    if (this.pending?.id === handle) this.pending = undefined;
  };
  /** Fires due timers until `ms` have passed. */
  advance(ms: number): void {
    const until = this.time + ms;
    while (this.pending && this.pending.at <= until) {
      const { at, callback } = this.pending;
      this.pending = undefined;
      this.time = at;
      callback();
    }
    this.time = until;
  }
  /** Fires timers until none is left; returns the wall time it took. */
  runAll(): number {
    const start = this.time;
    for (let i = 0; this.pending && i < 100_000; i++) this.advance(this.pending.at - this.time);
    return this.time - start;
  }
}

describe('ReplayTimeline', () => {
  it('folds to the same state as folding every event at once', () => {
    const events = threeNodeRun();
    const timeline = new ReplayTimeline(events);
    expect(timeline.stateAt(events.length)).toEqual(foldAll(events));
    expect(timeline.stateAt(0)).toEqual(emptyTrace);
  });

  it('shows the run at t as the fold of the events with timestamp <= t', () => {
    const events = threeNodeRun();
    const timeline = new ReplayTimeline(events);
    for (const ms of [-5, 0, 15, 99, 100, 1500, 3099, 3100, 3250, 9999]) {
      const t = t0 + ms;
      const expected = foldAll(events.filter((e) => Date.parse(e.timestamp) <= t));
      expect(timeline.stateAt(timeline.positionAt(t)), `at ${ms} ms`).toEqual(expected);
    }
    // In the middle of the sleep: wait is running, last is not started.
    const middle = timeline.stateAt(timeline.positionAt(t0 + 1600));
    expect(middle.nodes.wait).toMatchObject({ status: 'running', progress: { current: 1000, total: 3000 } });
    expect(middle.nodes.last).toBeUndefined();
    expect(middle.events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('jumps backward and forward across checkpoints on a long run, always equal to a fresh fold', () => {
    const events = longRun(checkpointEvery * 5 + 123);
    const timeline = new ReplayTimeline(events);
    const positions = [events.length, 3, 7_777, 2_000, 1_999, 10_123, 4_001, 4_000, 0, 9_000, events.length - 1];
    for (const p of positions) {
      expect(timeline.stateAt(p), `position ${p}`).toEqual(foldAll(events.slice(0, p)));
    }
    // One snapshot per 2,000 events (position 0 included), no more.
    expect(timeline.checkpointCount).toBe(Math.floor(events.length / checkpointEvery) + 1);
  });

  it('keeps positions monotonic when a timestamp goes backwards', () => {
    const events = [ev(1, 0, 'NODE_STARTED', 'a'), ev(2, 500, 'NODE_LOG', 'a'), ev(3, 400, 'NODE_LOG', 'a'), ev(4, 900, 'NODE_COMPLETED', 'a')];
    const timeline = new ReplayTimeline(events);
    expect(timeline.positionAt(t0 + 450)).toBe(1);
    expect(timeline.positionAt(t0 + 500)).toBe(3);
    expect(timeline.end).toBe(t0 + 900);
  });
});

describe('ReplayPlayer', () => {
  it('plays from the start to the final folded state, then stops', () => {
    const events = threeNodeRun();
    const timeline = new ReplayTimeline(events);
    const clock = new ManualClock();
    const seen: PlayerState[] = [];
    const player = new ReplayPlayer(timeline, (s) => seen.push(s), clock);
    player.play();
    clock.runAll();
    expect(player.current).toMatchObject({ position: events.length, time: timeline.end, playing: false });
    expect(timeline.stateAt(player.current.position)).toEqual(foldAll(events));
    // Every position was shown on the way, in order.
    const positions = [...new Set(seen.map((s) => s.position))];
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions.at(-1)).toBe(events.length);
  });

  it('scales the recorded delays by the speed', () => {
    const events = threeNodeRun();
    const span = 3300;
    for (const speed of [1, 2, 5, 10, 25, 50]) {
      const timeline = new ReplayTimeline(events);
      const clock = new ManualClock();
      const player = new ReplayPlayer(timeline, () => undefined, clock, Infinity);
      player.setSpeed(speed);
      player.play();
      // With no frame ticks, each wait is exactly the gap to the next event divided by the speed.
      const wall = clock.runAll();
      const gaps = events.map((e, i) => (i === 0 ? 0 : Date.parse(e.timestamp) - Date.parse(events[i - 1]!.timestamp)));
      expect(clock.delays).toHaveLength(gaps.length);
      clock.delays.forEach((d, i) => expect(d, `wait before event ${i + 1} at ${speed}×`).toBeCloseTo(gaps[i]! / speed, 6));
      expect(wall).toBeCloseTo(span / speed, 6);
      expect(player.current.position).toBe(events.length);
    }
  });

  it('changes speed while playing from the moment shown', () => {
    const timeline = new ReplayTimeline(threeNodeRun());
    const clock = new ManualClock();
    const player = new ReplayPlayer(timeline, () => undefined, clock, 10);
    player.play();
    clock.advance(1000); // 1 s of recorded time at 1×
    expect(player.current.time).toBe(t0 + 1000);
    expect(player.current.position).toBe(5);
    player.setSpeed(10);
    clock.advance(100); // 1 s more at 10×
    expect(player.current.time).toBe(t0 + 2000);
    expect(player.current.position).toBe(6);
    player.pause();
    clock.advance(5000);
    expect(player.current).toMatchObject({ time: t0 + 2000, playing: false });
  });

  it('steps one event back and forth consistently with the fold', () => {
    const events = threeNodeRun();
    const timeline = new ReplayTimeline(events);
    const player = new ReplayPlayer(timeline, () => undefined, new ManualClock());
    for (let i = 1; i <= events.length; i++) {
      player.step(1);
      expect(player.current.position).toBe(i);
      expect(player.current.time).toBe(Date.parse(events[i - 1]!.timestamp));
      expect(timeline.stateAt(player.current.position)).toEqual(foldAll(events.slice(0, i)));
    }
    player.step(1);
    expect(player.current.position).toBe(events.length);
    for (let i = events.length - 1; i >= 0; i--) {
      player.step(-1);
      expect(timeline.stateAt(player.current.position)).toEqual(foldAll(events.slice(0, i)));
    }
    player.step(-1);
    expect(player.current).toMatchObject({ position: 0, time: timeline.start });
  });

  it('seeks to a time and keeps playing from there; playing at the end starts over', () => {
    const events = threeNodeRun();
    const timeline = new ReplayTimeline(events);
    const clock = new ManualClock();
    const player = new ReplayPlayer(timeline, () => undefined, clock);
    player.seek(t0 + 1600);
    expect(player.current).toMatchObject({ position: 6, time: t0 + 1600, playing: false });
    player.seek(t0 + 99_999);
    expect(player.current).toMatchObject({ position: events.length, time: timeline.end });
    player.play();
    expect(player.current.position).toBe(0);
    clock.advance(150);
    expect(player.current.position).toBe(5);
    player.seek(t0 + 3150);
    clock.advance(55);
    expect(player.current.position).toBe(9);
  });
});
