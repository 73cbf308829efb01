// Client-side replay of a finished (or unfinished) run from its stored trace, through the SAME fold as the
// live path (fold.ts applyEvents). A position is a count of events applied: the state at position p folds
// events[0..p). Forward moves fold only the new events; backward moves restart from the nearest checkpoint
// (a folded snapshot kept every `checkpointEvery` events), so scrubbing a 100k-event run stays cheap.
import type { TraceEvent } from '../api/contracts';
import { applyEvents, emptyTrace, type RunTraceState } from './fold';

export const checkpointEvery = 2000;

/** Speeds offered by the player. */
export const replaySpeeds = [1, 2, 5, 10, 25, 50] as const;

export class ReplayTimeline {
  /** Events in sequence order. */
  readonly events: readonly TraceEvent[];
  /**
   * Effective time of each event in epoch ms: the running maximum of the timestamps, so that positions
   * and times stay monotonic even if a worker's clock put an event slightly before its predecessor.
   */
  readonly times: Float64Array;
  /** Time of the first and last event (epoch ms); both 0 for an empty trace. */
  readonly start: number;
  readonly end: number;

  // Snapshot k is the state at position k * checkpointEvery, without its events array (rebuilt by slice on
  // restore), so memory stays linear in the trace size.
  private readonly checkpoints: RunTraceState[] = [{ ...emptyTrace }];
  private last: { position: number; state: RunTraceState } = { position: 0, state: emptyTrace };

  constructor(events: readonly TraceEvent[]) {
    const sorted = [...events].sort((a, b) => a.sequence - b.sequence);
    // The fold applies contiguous sequences only (a hole means "re-fetch"). A stored trace is contiguous;
    // should one not be, renumber the copies so the replay still shows every event.
    const contiguous = sorted.every((e, i) => e.sequence === i + 1);
    this.events = contiguous ? sorted : sorted.map((e, i) => ({ ...e, sequence: i + 1 }));
    this.times = new Float64Array(this.events.length);
    let max = -Infinity;
    this.events.forEach((e, i) => {
      const t = Date.parse(e.timestamp);
      max = Math.max(max, Number.isNaN(t) ? max : t);
      this.times[i] = max === -Infinity ? 0 : max;
    });
    this.start = this.events.length > 0 ? this.times[0]! : 0;
    this.end = this.events.length > 0 ? this.times[this.events.length - 1]! : 0;
  }

  get length(): number {
    return this.events.length;
  }

  /** How many events happened at or before t (epoch ms): the position that shows the run at t. */
  positionAt(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The time a position shows: that of its last applied event (the start for position 0). */
  timeAt(position: number): number {
    return position <= 0 ? this.start : this.times[Math.min(position, this.length) - 1]!;
  }

  /** The folded state after the first `position` events. */
  stateAt(position: number): RunTraceState {
    const target = Math.max(0, Math.min(this.length, Math.floor(position)));
    let { position: from, state } = this.last;
    if (target < from || target - from > checkpointEvery) {
      // Backward, or far forward: start from the nearest checkpoint at or below the target.
      const index = Math.min(Math.floor(target / checkpointEvery), this.checkpoints.length - 1);
      const checkpointPosition = index * checkpointEvery;
      if (!(target >= from && from >= checkpointPosition)) {
        from = checkpointPosition;
        state = { ...this.checkpoints[index]!, events: this.events.slice(0, checkpointPosition) };
      }
    }
    // Fold forward in chunks that end on checkpoint boundaries, recording each boundary reached.
    while (from < target) {
      const boundary = (Math.floor(from / checkpointEvery) + 1) * checkpointEvery;
      const until = Math.min(target, boundary);
      state = applyEvents(state, this.events.slice(from, until)).state;
      from = until;
      if (from === boundary && this.checkpoints.length === boundary / checkpointEvery) {
        this.checkpoints.push({ ...state, events: [] });
      }
    }
    this.last = { position: target, state };
    return state;
  }

  /** Number of checkpoints held (for tests and the perf readout). */
  get checkpointCount(): number {
    return this.checkpoints.length;
  }
}

/** Timers the player uses; injected so tests control time. */
export interface ReplayClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserClock: ReplayClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface PlayerState {
  readonly position: number;
  /** The moment shown, epoch ms (between timeline.start and timeline.end). */
  readonly time: number;
  readonly playing: boolean;
  readonly speed: number;
}

/**
 * Plays a timeline in recorded time scaled by speed: the wait until the next event is its recorded gap
 * divided by the speed. While a long gap plays (a node sleeping 3 s) the clock still ticks every
 * `frameMs` so the scrubber moves smoothly.
 */
export class ReplayPlayer {
  private state: PlayerState;
  private timer: unknown;
  private anchor = { wall: 0, time: 0 };

  constructor(
    private readonly timeline: ReplayTimeline,
    private readonly onChange: (state: PlayerState) => void,
    private readonly clock: ReplayClock = browserClock,
    private readonly frameMs = 50,
  ) {
    this.state = { position: 0, time: timeline.start, playing: false, speed: 1 };
  }

  get current(): PlayerState {
    return this.state;
  }

  play(): void {
    if (this.state.playing) return;
    // Playing at the end starts over.
    const restart = this.state.position >= this.timeline.length;
    this.set(restart ? { position: 0, time: this.timeline.start, playing: true } : { playing: true });
    this.anchor = { wall: this.clock.now(), time: this.state.time };
    this.schedule();
  }

  pause(): void {
    this.stopTimer();
    if (this.state.playing) this.set({ playing: false });
  }

  setSpeed(speed: number): void {
    if (speed <= 0) throw new RangeError('speed must be positive');
    if (this.state.playing) {
      this.advance();
      this.anchor = { wall: this.clock.now(), time: this.state.time };
      this.set({ speed });
      this.stopTimer();
      this.schedule();
    } else {
      this.set({ speed });
    }
  }

  /** One event forward (+1) or back (-1); pauses. */
  step(delta: 1 | -1): void {
    this.pause();
    const position = Math.max(0, Math.min(this.timeline.length, this.state.position + delta));
    this.set({ position, time: this.timeline.timeAt(position) });
  }

  /** Shows the run at time t (epoch ms): every event with timestamp <= t. Keeps playing from there. */
  seek(t: number): void {
    const time = Math.max(this.timeline.start, Math.min(this.timeline.end, t));
    this.set({ position: this.timeline.positionAt(time), time });
    if (this.state.playing) {
      this.anchor = { wall: this.clock.now(), time };
      this.stopTimer();
      this.schedule();
    }
  }

  /** Jumps to a position (0..length). */
  seekPosition(position: number): void {
    const p = Math.max(0, Math.min(this.timeline.length, position));
    this.set({ position: p, time: this.timeline.timeAt(p) });
    if (this.state.playing) {
      this.anchor = { wall: this.clock.now(), time: this.state.time };
      this.stopTimer();
      this.schedule();
    }
  }

  dispose(): void {
    this.stopTimer();
  }

  /** Moves the clock to now and applies every event due by then. */
  private advance(): void {
    const time = Math.min(this.timeline.end, this.anchor.time + (this.clock.now() - this.anchor.wall) * this.state.speed);
    const position = this.timeline.positionAt(time);
    if (time !== this.state.time || position !== this.state.position) this.set({ time, position });
  }

  private schedule(): void {
    if (this.state.position >= this.timeline.length) {
      this.set({ playing: false, time: this.timeline.end });
      return;
    }
    const nextEventTime = this.timeline.times[this.state.position]!;
    const wait = Math.max(0, (nextEventTime - this.state.time) / this.state.speed);
    const dueForEvent = wait <= this.frameMs;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        if (!this.state.playing) return;
        this.advance();
        // Rounding in the scaled clock must not leave the event that this wait was for unapplied.
        if (dueForEvent && this.state.time < nextEventTime) {
          this.anchor = { wall: this.clock.now(), time: nextEventTime };
          this.set({ time: nextEventTime, position: this.timeline.positionAt(nextEventTime) });
        }
        this.schedule();
      },
      Math.min(wait, this.frameMs),
    );
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private set(change: Partial<PlayerState>): void {
    this.state = { ...this.state, ...change };
    this.onChange(this.state);
  }
}
