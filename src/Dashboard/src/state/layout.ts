// Layered DAG layout by ELK (elkjs, the Eclipse Layout Kernel's layered/Sugiyama algorithm): dependencies flow
// left to right, crossings minimised, nodes never overlap. In the browser ELK runs in its own web worker (a
// 1,000-node DAG takes seconds of CPU, which must not freeze the page); where there is no Worker (vitest in
// Node) the bundled build runs in-process.
import type { ElkNode, ELK as ElkApi, LayoutOptions } from 'elkjs/lib/elk-api';
import type { JsonValue, NodeDefinition } from '../api/contracts';

export interface LaidOutNode {
  readonly id: string;
  /** Top-left corner in canvas pixels. */
  readonly x: number;
  readonly y: number;
}

export interface Edge {
  readonly source: string;
  readonly target: string;
}

/** The box ELK reserves for each node: a .run-node card (styles.css) with room for its message line. */
export const nodeWidth = 210;
export const nodeHeight = 96;

/** Dependencies of a node: dependsOn plus every node its inputs reference with {"$ref": "node.output"}. */
export function dependenciesOf(node: NodeDefinition, known: ReadonlySet<string>): string[] {
  const found = new Set<string>(node.dependsOn.filter((d) => known.has(d)));
  const visit = (value: JsonValue | undefined): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value !== null && typeof value === 'object') {
      const ref = value.$ref;
      if (typeof ref === 'string') {
        const source = ref.split('.')[0];
        if (source !== undefined && known.has(source) && source !== node.id) found.add(source);
      } else {
        Object.values(value).forEach(visit);
      }
    }
  };
  Object.values(node.inputs).forEach(visit);
  return [...found];
}

export function edgesOf(nodes: readonly NodeDefinition[]): Edge[] {
  const known = new Set(nodes.map((n) => n.id));
  return nodes.flatMap((n) => dependenciesOf(n, known).map((source) => ({ source, target: n.id })));
}

// Measured on 1,000-node DAGs (2 cores): the defaults took 3-13 s; one crossing-minimisation sweep and polyline
// routing (React Flow draws the edges itself, so ELK's orthogonal routing was wasted work) take 1-3 s.
const layoutOptions: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '50',
  'elk.layered.thoroughness': '1',
  'elk.edgeRouting': 'POLYLINE',
};

let shared: Promise<ElkApi> | undefined;

/** One ELK for the page: a web worker in the browser, the in-process bundle elsewhere. */
export function elk(): Promise<ElkApi> {
  shared ??= (async (): Promise<ElkApi> => {
    // Only tests run without a Worker; the build drops this branch (and the 1.4 MB in-process bundle) entirely.
    if (import.meta.env.MODE === 'test' && typeof Worker === 'undefined') {
      const { default: Bundled } = await import('elkjs/lib/elk.bundled.js');
      return new Bundled();
    }
    const [{ default: Api }, { default: workerUrl }] = await Promise.all([import('elkjs/lib/elk-api.js'), import('elkjs/lib/elk-worker.min.js?url')]);
    return new Api({ workerFactory: () => new Worker(workerUrl) });
  })();
  return shared;
}

/** Positions of the nodes: every edge runs from left to right. */
export async function layout(nodes: readonly NodeDefinition[], engine?: ElkApi): Promise<LaidOutNode[]> {
  if (nodes.length === 0) return [];
  const graph: ElkNode = {
    id: 'root',
    layoutOptions,
    children: nodes.map((n) => ({ id: n.id, width: nodeWidth, height: nodeHeight })),
    edges: edgesOf(nodes).map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  };
  const laid = await (engine ?? (await elk())).layout(graph);
  return (laid.children ?? []).map((c) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0 }));
}
