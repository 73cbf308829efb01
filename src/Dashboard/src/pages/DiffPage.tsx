// #/diff/<runA>/<runB>: what changed from run A (before) to run B (after). The canvas draws the union of
// both runs' nodes (each from the workflow version its run used) outlined by change; the list beside it
// gives each changed node's before/after side by side.
import { Handle, Position, type Edge as FlowEdge, type Node as FlowNode, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useMemo, useState } from 'react';
import { api, ApiError, definitionForRun } from '../api/client';
import type { JsonValue, NodeChange, NodeDefinition, NodeDiff, RunDiff, RunSummary } from '../api/contracts';
import { DagFlow } from '../components/DagFlow';
import { edgesOf, layout } from '../state/layout';
import { replayHref, runHref } from '../router';
import { StatusPill } from './RunsPage';

type Loaded = { kind: 'loading' } | { kind: 'unavailable'; message: string } | { kind: 'error'; message: string } | { kind: 'ready'; diff: RunDiff };

export function DiffPage({ runA, runB }: { runA: string; runB: string }) {
  const [diff, setDiff] = useState<Loaded>({ kind: 'loading' });
  const [summaries, setSummaries] = useState<[RunSummary | null, RunSummary | null]>([null, null]);
  const [definitions, setDefinitions] = useState<[NodeDefinition[], NodeDefinition[]] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    api
      .diff(runA, runB)
      .then((d) => !cancelled && setDiff({ kind: 'ready', diff: d }))
      .catch((e: unknown) => {
        if (cancelled) return;
        const message = e instanceof Error ? e.message : String(e);
        // 404 is also what a server without the diff route answers; say so rather than blame the runs.
        setDiff(e instanceof ApiError && e.status === 404 ? { kind: 'unavailable', message } : { kind: 'error', message });
      });
    Promise.all([api.runStatus(runA), api.runStatus(runB)])
      .then(async ([a, b]) => {
        if (cancelled) return;
        setSummaries([a, b]);
        const [da, db] = await Promise.all([definitionForRun(a.workflowId, a.workflowVersion), definitionForRun(b.workflowId, b.workflowVersion)]);
        if (!cancelled) setDefinitions([da.nodes, db.nodes]);
      })
      // Without definitions the canvas still draws the diff's nodes, just without edges.
      .catch(() => !cancelled && setDefinitions([[], []]));
    return () => {
      cancelled = true;
    };
  }, [runA, runB]);

  const ready = diff.kind === 'ready' ? diff.diff : null;
  const union = useMemo(() => unionOf(definitions, ready), [definitions, ready]);
  const byNode = useMemo(() => new Map((ready?.nodes ?? []).map((n) => [n.nodeId, n])), [ready]);
  const listed = useMemo(() => [...(ready?.nodes ?? [])].sort((x, y) => changeOrder[x.change] - changeOrder[y.change] || x.nodeId.localeCompare(y.nodeId)), [ready]);

  return (
    <div className="run-page diff-page" data-testid="diff-page">
      <div className="run-header">
        <h1>Diff</h1>
        <RunLabel side="A" runId={runA} summary={summaries[0]} />
        <span>→</span>
        <RunLabel side="B" runId={runB} summary={summaries[1]} />
        {ready && (
          <span className={ready.identical ? 'pill pill-completed' : 'pill pill-cancelled'} data-testid="diff-identical" data-identical={String(ready.identical)}>
            {ready.identical ? 'identical' : `${ready.nodes.filter((n) => n.change !== 'unchanged').length} node(s) differ`}
          </span>
        )}
      </div>
      {diff.kind === 'loading' && <div className="canvas placeholder">Comparing the runs…</div>}
      {diff.kind === 'unavailable' && (
        <div className="error banner" data-testid="diff-unavailable">
          No diff for these runs: {diff.message}. (A server without the replay API answers 404 here too.)
        </div>
      )}
      {diff.kind === 'error' && <div className="error banner">{diff.message}</div>}
      {ready && (
        <div className="diff-body">
          {/* Drawn once the definitions are in: fitView frames the first layout only. */}
          {definitions ? <DiffCanvas nodes={union} changes={byNode} selected={selected} onSelect={setSelected} /> : <div className="canvas placeholder">Loading the workflow…</div>}
          <aside className="diff-list" data-testid="diff-list">
            {listed.map((n) => (
              <NodeDiffCard key={n.nodeId} diff={n} selected={selected === n.nodeId} onSelect={() => setSelected(n.nodeId === selected ? null : n.nodeId)} />
            ))}
          </aside>
        </div>
      )}
    </div>
  );
}

const changeOrder: Record<NodeChange, number> = { changed: 0, added: 1, removed: 2, unchanged: 3 };

function RunLabel({ side, runId, summary }: { side: string; runId: string; summary: RunSummary | null }) {
  return (
    <span className="diff-run" data-testid={`diff-run-${side}`}>
      <strong>{side}</strong> <a className="mono" href={runHref(runId)}>{runId}</a>
      {summary && <StatusPill status={summary.status} />}
      {summary?.workflowVersion !== undefined && <span className="muted small">v{summary.workflowVersion}</span>}
      <a href={replayHref(runId)} className="small">
        replay
      </a>
    </span>
  );
}

/** Both runs' nodes (B's definition wins for a node in both); nodes only the diff knows are drawn bare. */
function unionOf(definitions: [NodeDefinition[], NodeDefinition[]] | null, diff: RunDiff | null): NodeDefinition[] {
  const nodes = new Map<string, NodeDefinition>();
  for (const n of definitions?.[1] ?? []) nodes.set(n.id, n);
  for (const n of definitions?.[0] ?? []) if (!nodes.has(n.id)) nodes.set(n.id, n);
  for (const n of diff?.nodes ?? []) if (!nodes.has(n.nodeId)) nodes.set(n.nodeId, { id: n.nodeId, component: '', inputs: {}, dependsOn: [] });
  return [...nodes.values()];
}

type DiffNodeData = { id: string; component: string; diff: NodeDiff | undefined; selected: boolean };

const DiffNode = memo(function DiffNode({ data }: NodeProps<FlowNode<DiffNodeData>>) {
  const change = data.diff?.change ?? 'unchanged';
  const status = data.diff?.status;
  return (
    <div className={`run-node diff-node change-${change}${data.selected ? ' selected' : ''}`} data-testid={`diff-node-${data.id}`} data-change={change}>
      <Handle type="target" position={Position.Left} />
      <div className="run-node-title">{data.id}</div>
      <div className="run-node-component">{data.component}</div>
      <div className="run-node-status">
        <span className={`change-badge change-${change}`}>{change}</span>
        {status && (
          <span className="mono small">
            {status.before ?? '—'} → {status.after ?? '—'}
          </span>
        )}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const nodeTypes = { diff: DiffNode };

function DiffCanvas({ nodes, changes, selected, onSelect }: { nodes: NodeDefinition[]; changes: Map<string, NodeDiff>; selected: string | null; onSelect: (id: string | null) => void }) {
  const positions = useMemo(() => layout(nodes), [nodes]);
  const edges = useMemo(() => edgesOf(nodes), [nodes]);
  const flowNodes: FlowNode<DiffNodeData>[] = positions.map((p) => ({
    id: p.id,
    type: 'diff',
    position: { x: p.x, y: p.y },
    data: { id: p.id, component: nodes.find((n) => n.id === p.id)?.component ?? '', diff: changes.get(p.id), selected: selected === p.id },
  }));
  const flowEdges: FlowEdge[] = edges.map((e) => ({ id: `${e.source}->${e.target}`, source: e.source, target: e.target }));
  return <DagFlow nodes={flowNodes} edges={flowEdges} nodeTypes={nodeTypes} selected={selected} onSelect={onSelect} testId="diff-canvas" />;
}

function NodeDiffCard({ diff, selected, onSelect }: { diff: NodeDiff; selected: boolean; onSelect: () => void }) {
  return (
    <section className={`diff-card change-${diff.change}${selected ? ' selected' : ''}`} data-testid="diff-entry" data-node={diff.nodeId} data-change={diff.change} onClick={onSelect}>
      <header>
        <strong>{diff.nodeId}</strong> <span className={`change-badge change-${diff.change}`}>{diff.change}</span>
      </header>
      <table>
        <thead>
          <tr>
            <th />
            <th>A (before)</th>
            <th>B (after)</th>
          </tr>
        </thead>
        <tbody>
          {diff.status && <Row label="status" before={diff.status.before} after={diff.status.after} testId="diff-status" />}
          {diff.attempts && <Row label="attempts" before={diff.attempts.before} after={diff.attempts.after} />}
          {diff.durationMs && <Row label="duration" before={ms(diff.durationMs.before)} after={ms(diff.durationMs.after)} />}
          <Row label="logs" before={diff.logCount.before} after={diff.logCount.after} />
          {diff.outputSummary && (
            <tr className="changed-row">
              <th>output</th>
              <td>
                <pre>{json(diff.outputSummary.before)}</pre>
              </td>
              <td>
                <pre>{json(diff.outputSummary.after)}</pre>
              </td>
            </tr>
          )}
          {diff.artifacts?.map((a) => (
            <tr key={a.name} className="changed-row" data-testid="diff-artifact">
              <th title="artifact SHA-256">{a.name}</th>
              <td className="mono small">{a.before?.slice(0, 12) ?? '—'}</td>
              <td className="mono small">{a.after?.slice(0, 12) ?? '—'}</td>
            </tr>
          ))}
          {diff.firstDivergence && (
            <tr className="changed-row" data-testid="diff-divergence">
              <th>first divergence (event #{diff.firstDivergence.index})</th>
              <td>{diff.firstDivergence.before ?? '—'}</td>
              <td>{diff.firstDivergence.after ?? '—'}</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

function Row({ label, before, after, testId }: { label: string; before: string | number | undefined; after: string | number | undefined; testId?: string }) {
  return (
    <tr className={before !== after ? 'changed-row' : ''} {...(testId ? { 'data-testid': testId } : {})}>
      <th>{label}</th>
      <td>{before ?? '—'}</td>
      <td>{after ?? '—'}</td>
    </tr>
  );
}

function ms(value: number | undefined): string | undefined {
  return value === undefined ? undefined : value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(2)} s`;
}

function json(value: JsonValue | undefined): string {
  return value === undefined ? '—' : JSON.stringify(value, null, 2);
}
