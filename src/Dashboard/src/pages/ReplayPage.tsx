// Replay mode of the run page (#/runs/<runId>?mode=replay[&seq=<events applied>|&at=<epoch ms>]): the whole stored
// trace is read once, then re-applied client-side through the live path's fold (state/replay.ts), with
// play/pause/speed, single steps and a scrubber over the run's time span. Whenever the player stands still its
// position is written back as ?seq=, so the address bar always links to the moment on screen.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, fetchWholeTrace } from '../api/client';
import type { NodeDefinition, TraceEvent } from '../api/contracts';
import { RunView } from '../components/RunView';
import { ReplayPlayer, ReplayTimeline, replaySpeeds, type PlayerState } from '../state/replay';
import { runHref, timelineHref } from '../links';
import { useDefinition } from './RunPage';
import { StatusPill } from './RunsPage';

export function ReplayPage({ runId, at, seq }: { runId: string; at: number | undefined; seq: number | undefined }) {
  const status = useQuery({ queryKey: ['status', runId], queryFn: () => api.runStatus(runId) });
  const summary = status.data ?? null;
  const definition = useDefinition(summary?.workflowId, summary?.workflowVersion);
  const nodes = definition.data?.nodes ?? null;
  const [timeline, setTimeline] = useState<ReplayTimeline | null>(null);
  const [loaded, setLoaded] = useState(0);
  const [traceError, setError] = useState<string | null>(null);
  const error = traceError ?? status.error?.message ?? definition.error?.message ?? null;

  // The trace is read once into the replay timeline (its progress shown as it loads), not cached: it can be large.
  useEffect(() => {
    let cancelled = false;
    const fail = (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e));
    fetchWholeTrace(runId, (n) => !cancelled && setLoaded(n))
      .then((events: TraceEvent[]) => !cancelled && setTimeline(new ReplayTimeline(events)))
      .catch(fail);
    return () => {
      cancelled = true;
    };
  }, [runId]);

  return (
    <div className="run-page replay-page" data-testid="replay-page">
      <div className="run-header">
        <h1>
          Replay · {summary?.workflowId ?? '…'} <span className="muted mono">{runId}</span>
        </h1>
        {summary && <StatusPill status={summary.status} />}
        <a href={runHref(runId)} data-testid="live-link">
          live view
        </a>
        {summary && <a href={timelineHref(summary.workflowId)}>timeline</a>}
      </div>
      {error && <div className="error banner">{error}</div>}
      {timeline ? (
        <Replay runId={runId} timeline={timeline} nodes={nodes} at={at} seq={seq} />
      ) : (
        <div className="canvas placeholder" data-testid="replay-loading">
          Reading the trace… {loaded.toLocaleString()} events
        </div>
      )}
    </div>
  );
}

function Replay({ runId, timeline, nodes, at, seq }: { runId: string; timeline: ReplayTimeline; nodes: NodeDefinition[] | null; at: number | undefined; seq: number | undefined }) {
  const [player, setPlayer] = useState<PlayerState>({ position: timeline.length, time: timeline.end, playing: false, speed: 1 });
  const playerRef = useRef<ReplayPlayer | null>(null);
  const [, setParams] = useSearchParams();

  // The address this page was opened with (or moved to: a search result for the same run) is where the player
  // goes: a sequence (events applied, so the event with that sequence is the last one shown), else a moment,
  // else the end (the run as it finished).
  const target = useRef({ at, seq });
  target.current = { at, seq };
  useEffect(() => {
    const p = new ReplayPlayer(timeline, setPlayer);
    playerRef.current = p;
    return () => p.dispose();
  }, [timeline]);
  useEffect(() => {
    const p = playerRef.current;
    if (!p) return;
    if (seq !== undefined) {
      if (seq !== p.current.position) p.seekPosition(seq);
    } else if (at !== undefined) p.seek(at);
    else p.seekPosition(timeline.length);
  }, [timeline, at, seq]);
  useEffect(() => {
    // Only a state the player itself published (not the first render's, nor one a seek in this commit replaced).
    if (playerRef.current?.current !== player) return;
    if (player.playing || player.position === target.current.seq) return;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete('at');
        next.set('seq', String(player.position));
        return next;
      },
      { replace: true },
    );
  }, [player, setParams]);

  const trace = useMemo(() => timeline.stateAt(player.position), [timeline, player.position]);
  const p = playerRef.current;

  return (
    <>
      <div className="replay-controls" data-testid="replay-controls">
        <button data-testid="replay-step-back" title="One event back" onClick={() => p?.step(-1)} disabled={player.position === 0}>
          ◀ step
        </button>
        {player.playing ? (
          <button data-testid="replay-pause" onClick={() => p?.pause()}>
            ❚❚ Pause
          </button>
        ) : (
          <button data-testid="replay-play" onClick={() => p?.play()} disabled={timeline.length === 0}>
            ▶ Play
          </button>
        )}
        <button data-testid="replay-step-forward" title="One event forward" onClick={() => p?.step(1)} disabled={player.position >= timeline.length}>
          step ▶
        </button>
        <label>
          Speed{' '}
          <select data-testid="replay-speed" value={player.speed} onChange={(e) => p?.setSpeed(Number(e.target.value))}>
            {replaySpeeds.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        <span className="mono" data-testid="replay-clock" data-time={Math.round(player.time)}>
          {offset(player.time - timeline.start)} / {offset(timeline.end - timeline.start)}
        </span>
        <span className="muted" data-testid="replay-position" data-position={player.position}>
          event {player.position.toLocaleString()} / {timeline.length.toLocaleString()}
        </span>
      </div>
      <Scrubber timeline={timeline} time={player.time} onSeek={(t) => p?.seek(t)} />
      <RunView runId={runId} nodes={nodes} trace={trace} runStatus={trace.runStatus} inspect="replay" />
    </>
  );
}

const tickBuckets = 400;

/** A range input over the run's time span (epoch ms) with the events drawn as ticks under it. */
function Scrubber({ timeline, time, onSeek }: { timeline: ReplayTimeline; time: number; onSeek: (t: number) => void }) {
  const min = Math.floor(timeline.start);
  const max = Math.max(min + 1, Math.ceil(timeline.end));
  // Long runs have more events than pixels: one tick per bucket, coloured by its most notable event.
  const ticks = useMemo(() => {
    const rank = { none: 0, log: 1, lifecycle: 2, failure: 3 } as const;
    const buckets = new Array<keyof typeof rank>(tickBuckets).fill('none');
    timeline.events.forEach((e, i) => {
      const b = Math.min(tickBuckets - 1, Math.floor(((timeline.times[i]! - min) / (max - min)) * tickBuckets));
      const kind = e.type === 'NODE_FAILED' || e.level === 'error' ? 'failure' : e.type === 'NODE_LOG' || e.type === 'NODE_PROGRESS' ? 'log' : 'lifecycle';
      if (rank[kind] > rank[buckets[b]!]) buckets[b] = kind;
    });
    return buckets.flatMap((kind, b) => (kind === 'none' ? [] : [{ left: (100 * b) / tickBuckets, kind }]));
  }, [timeline, min, max]);

  return (
    <div className="scrubber">
      <input
        type="range"
        data-testid="replay-scrubber"
        min={min}
        max={max}
        step={1}
        value={Math.round(Math.min(max, Math.max(min, time)))}
        data-start={min}
        data-end={max}
        onChange={(e) => onSeek(Number(e.target.value))}
      />
      <div className="scrubber-ticks" aria-hidden>
        {ticks.map((t) => (
          <span key={t.left} className={`tick tick-${t.kind}`} style={{ left: `${t.left}%` }} />
        ))}
      </div>
    </div>
  );
}

function offset(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return s < 60 ? `${s.toFixed(2)} s` : `${Math.floor(s / 60)}:${(s % 60).toFixed(2).padStart(5, '0')}`;
}
