// Dev-only: #/perf?events=N synthesizes N trace events over a small DAG and shows them in the real
// canvas and console, so frame times with a large trace can be measured (tests/browser/perf.test.mjs).
import { useMemo } from 'react';
import type { NodeDefinition, TraceEvent, TraceEventLevel } from '../api/contracts';
import { RunView } from '../components/RunView';
import { applyEvents, emptyTrace } from '../state/fold';

const nodeIds = ['scan', 'probe', 'tool', 'enrich', 'report'];
const nodes: NodeDefinition[] = nodeIds.map((id, i) => ({
  id,
  component: 'core.log',
  inputs: {},
  dependsOn: i === 0 ? [] : i === 4 ? ['probe', 'enrich'] : [nodeIds[i - 1]!],
}));
const levels: TraceEventLevel[] = ['debug', 'info', 'info', 'info', 'warn', 'error'];

export function synthesize(count: number): TraceEvent[] {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const events: TraceEvent[] = [];
  for (let i = 1; i <= count; i++) {
    const nodeId = nodeIds[i % nodeIds.length]!;
    const type = i <= nodeIds.length ? 'NODE_STARTED' : i % 10 === 0 ? 'NODE_PROGRESS' : 'NODE_LOG';
    events.push({
      id: `perf-${i}`,
      runId: 'perf',
      nodeId,
      attempt: 1,
      type,
      level: levels[i % levels.length]!,
      timestamp: new Date(start + i * 10).toISOString(),
      sequence: i,
      message: `synthetic line ${i} from ${nodeId}: scanned host 10.0.${(i >> 8) & 255}.${i & 255}`,
      ...(type === 'NODE_PROGRESS' ? { progress: { current: i, total: count } } : {}),
    });
  }
  return events;
}

export function PerfPage({ events }: { events: number }) {
  const trace = useMemo(() => {
    const t0 = performance.now();
    const state = applyEvents(emptyTrace, synthesize(events)).state;
    (window as unknown as { __perf: unknown }).__perf = { events: state.events.length, foldMs: performance.now() - t0 };
    return state;
  }, [events]);
  return (
    <div className="run-page">
      <div className="run-header">
        <h1>Perf: {events.toLocaleString()} synthetic events</h1>
      </div>
      <RunView runId="perf" nodes={nodes} trace={trace} runStatus="running" inspect="none" />
    </div>
  );
}
