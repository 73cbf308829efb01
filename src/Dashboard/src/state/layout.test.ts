import { describe, expect, it } from 'vitest';
import type { NodeDefinition } from '../api/contracts';
import { edgesOf, layout, nodeHeight, nodeWidth, type LaidOutNode } from './layout';

const node = (id: string, dependsOn: string[] = [], inputs: NodeDefinition['inputs'] = {}): NodeDefinition => ({ id, component: 'core.log', inputs, dependsOn });

const byId = (laid: LaidOutNode[]) => Object.fromEntries(laid.map((n) => [n.id, n]));

function overlaps(a: LaidOutNode, b: LaidOutNode): boolean {
  return a.x < b.x + nodeWidth && b.x < a.x + nodeWidth && a.y < b.y + nodeHeight && b.y < a.y + nodeHeight;
}

describe('edgesOf', () => {
  it('draws an edge for dependsOn and for every node an input references', () => {
    const nodes = [node('scan'), node('probe', [], { ports: { $ref: 'scan.openPorts' } }), node('tool'), node('report', ['tool'], { f: [{ $ref: 'probe.services' }] })];
    expect(edgesOf(nodes)).toEqual([
      { source: 'scan', target: 'probe' },
      { source: 'tool', target: 'report' },
      { source: 'probe', target: 'report' },
    ]);
  });
});

describe('layout', () => {
  it('places every node to the right of its dependencies, references included', async () => {
    const nodes = [node('scan'), node('probe', [], { ports: { $ref: 'scan.openPorts' } }), node('tool'), node('report', ['tool'], { f: [{ $ref: 'probe.services' }] })];
    const laid = byId(await layout(nodes));
    expect(Object.keys(laid).sort()).toEqual(['probe', 'report', 'scan', 'tool']);
    expect(laid.probe!.x).toBeGreaterThanOrEqual(laid.scan!.x + nodeWidth);
    expect(laid.report!.x).toBeGreaterThanOrEqual(laid.probe!.x + nodeWidth);
    expect(laid.report!.x).toBeGreaterThanOrEqual(laid.tool!.x + nodeWidth);
  });

  it('keeps two independent chains apart without crossing', async () => {
    const nodes = [node('a'), node('b'), node('fromB', ['b']), node('fromA', ['a'])];
    const laid = byId(await layout(nodes));
    // Each child sits on its own parent's side of the other chain, so the two edges do not cross.
    expect(Math.sign(laid.fromA!.y - laid.fromB!.y)).toBe(Math.sign(laid.a!.y - laid.b!.y));
  });

  it('lays out a wide fan-out and fan-in without overlapping cards', async () => {
    const middle = Array.from({ length: 150 }, (_, i) => node(`scan${i}`, ['discover']));
    const nodes = [node('discover'), ...middle, node('report', middle.map((m) => m.id))];
    const laid = await layout(nodes);
    expect(laid).toHaveLength(nodes.length);
    const sorted = [...laid].sort((a, b) => a.x - b.x || a.y - b.y);
    for (let i = 1; i < sorted.length; i++) expect(overlaps(sorted[i - 1]!, sorted[i]!)).toBe(false);
    const at = byId(laid);
    expect(at.report!.x).toBeGreaterThan(at.scan0!.x);
  }, 30_000);
});
