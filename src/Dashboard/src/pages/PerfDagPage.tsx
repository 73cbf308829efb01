// Dev-only: #/perf/dag?nodes=N draws a synthetic N-node DAG on the real run canvas (ELK layout in its worker, React
// Flow) and records in window.__dag how long its first render took: from this page's first render to the frame
// after every node is in the DOM and visible. #/perf/dag?nodes=N&plain=1 is the ceiling beside it: the same number
// of node cards as plain absolutely positioned divs, no layout, no canvas (tests/browser/dag-render.test.mjs).
import { useEffect, useState } from 'react';
import type { NodeDefinition } from '../api/contracts';
import { RunCanvas } from '../components/RunCanvas';
import { emptyTrace } from '../state/fold';

/** A scan-shaped DAG: discover → one chain of 9 stages per host → report, about `count` nodes in all. */
export function synthesizeDag(count: number): NodeDefinition[] {
  const stages = 9;
  const hosts = Math.max(1, Math.round((count - 2) / stages));
  const nodes: NodeDefinition[] = [{ id: 'discover', component: 'security.nmap', inputs: {}, dependsOn: [] }];
  const lasts: string[] = [];
  for (let h = 0; h < hosts; h++) {
    let previous = 'discover';
    for (let s = 0; s < stages && nodes.length < count - 1; s++) {
      const id = `h${h}-s${s}`;
      nodes.push({ id, component: 'core.log', inputs: {}, dependsOn: [previous] });
      previous = id;
    }
    lasts.push(previous);
  }
  nodes.push({ id: 'report', component: 'core.report', inputs: {}, dependsOn: [...new Set(lasts)] });
  return nodes;
}

interface DagFigures {
  nodes: number;
  plain: boolean;
  /** Until the layout's positions arrived (the placeholder left); absent for the plain ceiling. */
  layoutMs?: number;
  /** Until the frame after every node card was in the DOM and visible. */
  firstRenderMs: number;
}

export function PerfDagPage({ count, plain }: { count: number; plain: boolean }) {
  const [nodes] = useState(() => synthesizeDag(count));
  const [start] = useState(() => performance.now());

  useEffect(() => {
    let layoutMs: number | undefined;
    let frame = requestAnimationFrame(function check() {
      const now = performance.now();
      if (!plain && layoutMs === undefined && !document.querySelector('[data-testid="canvas-layout"]')) layoutMs = now - start;
      const cards = document.querySelectorAll<HTMLElement>(plain ? '.plain-node' : '.react-flow__node');
      const visible = cards.length === nodes.length && [...cards].every((c) => c.style.visibility !== 'hidden');
      if (!visible) {
        frame = requestAnimationFrame(check);
        return;
      }
      const figures: DagFigures = { nodes: nodes.length, plain, ...(layoutMs !== undefined ? { layoutMs } : {}), firstRenderMs: now - start };
      (window as unknown as { __dag: DagFigures }).__dag = figures;
    });
    return () => cancelAnimationFrame(frame);
  }, [nodes, plain, start]);

  return (
    <div className="run-page" data-testid="perf-dag">
      <div className="run-header">
        <h1>
          Perf: {nodes.length.toLocaleString()}-node DAG{plain ? ' as plain divs' : ''}
        </h1>
      </div>
      {plain ? (
        <div className="canvas plain-canvas">
          {nodes.map((n, i) => (
            <div key={n.id} className="plain-node run-node status-idle" style={{ position: 'absolute', left: (i % 40) * 230, top: Math.floor(i / 40) * 110 }}>
              <div className="run-node-title">{n.id}</div>
              <div className="run-node-component">{n.component}</div>
              <div className="run-node-status">
                <span className="status-dot" />
                <span>idle</span>
              </div>
            </div>
          ))}
        </div>
      ) : (
        <RunCanvas nodes={nodes} trace={emptyTrace} runStatus="queued" selected={null} onSelect={() => {}} />
      )}
    </div>
  );
}
