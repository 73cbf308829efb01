// #/diff/<runA>/<runB> and #/runs/<runId>/diff/baseline: what changed from run A (before) to run B (after).
// It leads with one plain sentence ("These runs behaved the same" when they did), then the findings (new,
// resolved, changed, most severe first), then the nodes whose behaviour changed: the canvas draws the union
// of both runs' nodes (each from the workflow version its run used) outlined by change, the list beside it
// gives each changed node's before/after. Log wording is only detail inside a node's card.
import { Handle, Position, type Edge as FlowEdge, type Node as FlowNode, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useMemo, useState } from 'react';
import { api, ApiError, baselineRunId, definitionForRun } from '../api/client';
import type { JsonValue, NodeDefinition, NodeDiff, RunDiff, RunSummary } from '../api/contracts';
import { DagFlow } from '../components/DagFlow';
import { FindingsDiffView } from '../components/FindingsDiffView';
import { diffHeadline, nodeSections } from '../state/changes';
import { edgesOf } from '../state/layout';
import { useLayout } from '../components/useLayout';
import { useRunViewState } from '../components/useRunViewState';
import { replayHref, runHref } from '../links';
import { StatusPill } from './RunsPage';

type Loaded =
  | { kind: 'loading' }
  | { kind: 'unavailable'; message: string }
  | { kind: 'no-baseline'; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; diff: RunDiff };

/** runB may be "baseline": the diff of runA's baseline (A, before) with runA (B, after). */
export function DiffPage({ runA, runB }: { runA: string; runB: string }) {
  const againstBaseline = runB === baselineRunId;
  const [diff, setDiff] = useState<Loaded>({ kind: 'loading' });
  const [summaries, setSummaries] = useState<[RunSummary | null, RunSummary | null]>([null, null]);
  const [definitions, setDefinitions] = useState<[NodeDefinition[], NodeDefinition[]] | null>(null);
  // The selected node is the page's ?node=, so a link to the comparison can point at one node.
  const [view, setView] = useRunViewState();
  const selected = view.node ?? null;
  const setSelected = (nodeId: string | null) => setView({ node: nodeId ?? undefined });

  useEffect(() => {
    let cancelled = false;
    api
      .diff(runA, runB)
      .then((d) => !cancelled && setDiff({ kind: 'ready', diff: d }))
      .catch((e: unknown) => {
        if (cancelled) return;
        const message = e instanceof Error ? e.message : String(e);
        // 404 is also what a server without the diff route answers; say so rather than blame the runs.
        const notFound = e instanceof ApiError && e.status === 404;
        setDiff(notFound ? { kind: againstBaseline ? 'no-baseline' : 'unavailable', message } : { kind: 'error', message });
      });
    return () => {
      cancelled = true;
    };
  }, [runA, runB, againstBaseline]);

  // Against the baseline, which run is A is known only from the diff.
  const ready = diff.kind === 'ready' ? diff.diff : null;
  const sideA = againstBaseline ? ready?.runId : runA;
  const sideB = againstBaseline ? (ready?.otherRunId ?? runA) : runB;
  useEffect(() => {
    if (!sideA || !sideB) return;
    let cancelled = false;
    Promise.all([api.runStatus(sideA), api.runStatus(sideB)])
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
  }, [sideA, sideB]);

  const union = useMemo(() => unionOf(definitions, ready), [definitions, ready]);
  const byNode = useMemo(() => new Map((ready?.nodes ?? []).map((n) => [n.nodeId, n])), [ready]);
  const nodes = useMemo(() => (ready ? nodeSections(ready) : { differing: [], unchanged: [] }), [ready]);
  const baselineTag = ready?.baseline ? (ready.baseline.pinned ? 'pinned baseline' : 'baseline') : againstBaseline ? 'baseline' : undefined;

  return (
    <div className="run-page diff-page" data-testid="diff-page">
      <div className="run-header">
        <h1>{againstBaseline ? 'Against the baseline' : 'Diff'}</h1>
        <RunLabel side="A" runId={sideA} summary={summaries[0]} tag={baselineTag} />
        <span>→</span>
        <RunLabel side="B" runId={sideB} summary={summaries[1]} />
      </div>
      {ready && (
        <div className={`diff-headline ${ready.identical ? 'same' : 'different'}`} data-testid="diff-identical" data-identical={String(ready.identical)}>
          {diffHeadline(ready)}
        </div>
      )}
      {diff.kind === 'loading' && <div className="canvas placeholder">Comparing the runs…</div>}
      {diff.kind === 'unavailable' && (
        <div className="error banner" data-testid="diff-unavailable">
          No diff for these runs: {diff.message}. (A server without the replay API answers 404 here too.)
        </div>
      )}
      {diff.kind === 'no-baseline' && (
        <div className="banner" data-testid="diff-no-baseline">
          This run has no baseline to compare with: {diff.message}
        </div>
      )}
      {diff.kind === 'error' && <div className="error banner">{diff.message}</div>}
      {ready && <FindingsDiffView diff={ready} onSelectNode={setSelected} />}
      {ready && (
        <div className="diff-body">
          {/* Drawn once the definitions are in: fitView frames the first layout only. */}
          {definitions ? <DiffCanvas nodes={union} changes={byNode} selected={selected} onSelect={setSelected} /> : <div className="canvas placeholder">Loading the workflow…</div>}
          <aside className="diff-list" data-testid="diff-list">
            <h2 className="small muted">{nodes.differing.length === 0 ? 'No node behaved differently' : `Node changes (${nodes.differing.length})`}</h2>
            {nodes.differing.map((n) => (
              <NodeDiffCard key={n.nodeId} diff={n} selected={selected === n.nodeId} onSelect={() => setSelected(n.nodeId === selected ? null : n.nodeId)} />
            ))}
            {nodes.unchanged.length > 0 && (
              <details className="diff-unchanged" data-testid="diff-unchanged" open={nodes.differing.length === 0}>
                <summary className="small muted">{nodes.unchanged.length} unchanged node(s)</summary>
                {nodes.unchanged.map((n) => (
                  <NodeDiffCard key={n.nodeId} diff={n} selected={selected === n.nodeId} onSelect={() => setSelected(n.nodeId === selected ? null : n.nodeId)} />
                ))}
              </details>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}

function RunLabel({ side, runId, summary, tag }: { side: string; runId: string | undefined; summary: RunSummary | null; tag?: string | undefined }) {
  return (
    <span className="diff-run" data-testid={`diff-run-${side}`} data-run-id={runId ?? ''}>
      <strong>{side}</strong>
      {tag && <span className="pill" data-testid="diff-baseline-tag">{tag}</span>}
      {runId ? (
        <a className="mono" href={runHref(runId)}>
          {runId}
        </a>
      ) : (
        <span className="muted">…</span>
      )}
      {summary && <StatusPill status={summary.status} />}
      {summary?.workflowVersion !== undefined && <span className="muted small">v{summary.workflowVersion}</span>}
      {runId && (
        <a href={replayHref(runId)} className="small">
          replay
        </a>
      )}
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
  const { positions } = useLayout(nodes);
  const edges = useMemo(() => edgesOf(nodes), [nodes]);
  if (!positions) return <div className="canvas placeholder">Laying out…</div>;
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
      {hasRows(diff) && (
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
            {diff.findings && (
              <tr className="changed-row" data-testid="diff-node-findings">
                <th>findings</th>
                <td colSpan={2}>
                  +{diff.findings.added} new · {diff.findings.resolved} resolved · {diff.findings.changed} changed
                </td>
              </tr>
            )}
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
          </tbody>
        </table>
      )}
      <LogsDetail diff={diff} />
    </section>
  );
}

/** An unchanged node has nothing to set side by side: its card is its header and its log detail. */
const hasRows = (diff: NodeDiff) =>
  Boolean(diff.status ?? diff.attempts ?? diff.durationMs ?? diff.outputSummary ?? diff.findings) || (diff.artifacts?.length ?? 0) > 0;

/** Log lines are detail: their count and first differing wording (volatile tokens masked) never make a node changed. */
function LogsDetail({ diff }: { diff: NodeDiff }) {
  const { a, b, firstDivergence } = diff.logs;
  return (
    <details className="diff-logs small" data-testid="diff-logs" onClick={(e) => e.stopPropagation()}>
      <summary className="muted">
        logs: {a} → {b} line(s){firstDivergence ? ' · wording differs' : ''}
      </summary>
      {firstDivergence ? (
        <table>
          <tbody>
            <tr data-testid="diff-divergence">
              <th>first difference (event #{firstDivergence.index})</th>
              <td>{firstDivergence.before ?? '—'}</td>
              <td>{firstDivergence.after ?? '—'}</td>
            </tr>
          </tbody>
        </table>
      ) : (
        <div className="muted">Same wording once numbers, durations, timestamps and ids are masked.</div>
      )}
    </details>
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
