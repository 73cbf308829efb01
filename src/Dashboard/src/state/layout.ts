// Layered DAG layout without a library: longest-path layering (a node sits one level right of its deepest
// dependency), then nodes ordered within a level by the barycenter of their dependencies' positions.
import type { JsonValue, NodeDefinition } from '../api/contracts';

export interface LaidOutNode {
  readonly id: string;
  readonly level: number;
  readonly order: number;
  readonly x: number;
  readonly y: number;
}

export interface Edge {
  readonly source: string;
  readonly target: string;
}

export const columnWidth = 260;
export const rowHeight = 120;

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

export function layout(nodes: readonly NodeDefinition[]): LaidOutNode[] {
  const known = new Set(nodes.map((n) => n.id));
  const deps = new Map(nodes.map((n) => [n.id, dependenciesOf(n, known)]));

  // Longest path from a source; the visiting set guards against a cycle the server would have rejected.
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const levelOf = (id: string): number => {
    const cached = level.get(id);
    if (cached !== undefined) return cached;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const value = Math.max(-1, ...(deps.get(id) ?? []).map(levelOf)) + 1;
    visiting.delete(id);
    level.set(id, value);
    return value;
  };
  nodes.forEach((n) => levelOf(n.id));

  const levels: string[][] = [];
  for (const n of nodes) (levels[level.get(n.id)!] ??= []).push(n.id);

  // Barycenter ordering, level by level (level 0 keeps the written order).
  const position = new Map<string, number>();
  levels.forEach((ids, index) => {
    if (index > 0) {
      const barycenter = (id: string): number => {
        const ps = (deps.get(id) ?? []).map((d) => position.get(d)).filter((p): p is number => p !== undefined);
        return ps.length === 0 ? Number.MAX_SAFE_INTEGER : ps.reduce((a, b) => a + b, 0) / ps.length;
      };
      const written = new Map(ids.map((id, i) => [id, i]));
      ids.sort((a, b) => barycenter(a) - barycenter(b) || written.get(a)! - written.get(b)!);
    }
    ids.forEach((id, i) => position.set(id, i));
  });

  const tallest = Math.max(1, ...levels.map((ids) => ids.length));
  return levels.flatMap((ids, index) =>
    ids.map((id, order) => ({
      id,
      level: index,
      order,
      x: index * columnWidth,
      // Centre each column against the tallest one.
      y: (order + (tallest - ids.length) / 2) * rowHeight,
    })),
  );
}
