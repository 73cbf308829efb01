import { describe, expect, it } from 'vitest';
import type { NodeDefinition } from '../api/contracts';
import { edgesOf, layout } from './layout';

const node = (id: string, dependsOn: string[] = [], inputs: NodeDefinition['inputs'] = {}): NodeDefinition => ({ id, component: 'core.log', inputs, dependsOn });

describe('layout', () => {
  it('puts each node one level after its deepest dependency, references included', () => {
    const nodes = [node('scan'), node('probe', [], { ports: { $ref: 'scan.openPorts' } }), node('tool'), node('report', ['tool'], { f: [{ $ref: 'probe.services' }] })];
    const laid = Object.fromEntries(layout(nodes).map((n) => [n.id, n]));
    expect(laid.scan!.level).toBe(0);
    expect(laid.tool!.level).toBe(0);
    expect(laid.probe!.level).toBe(1);
    expect(laid.report!.level).toBe(2);
    expect(edgesOf(nodes)).toEqual([
      { source: 'scan', target: 'probe' },
      { source: 'tool', target: 'report' },
      { source: 'probe', target: 'report' },
    ]);
  });

  it('orders a level by the barycenter of its dependencies', () => {
    const nodes = [node('a'), node('b'), node('fromB', ['b']), node('fromA', ['a'])];
    const laid = Object.fromEntries(layout(nodes).map((n) => [n.id, n]));
    expect(laid.fromA!.order).toBe(0);
    expect(laid.fromB!.order).toBe(1);
  });
});
