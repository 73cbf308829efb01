// The laid-out positions of a DAG's nodes, computed off the main thread (state/layout.ts); null until the first
// layout is ready. A new definition keeps the previous positions on screen until its own layout arrives.
import { useEffect, useState } from 'react';
import type { NodeDefinition } from '../api/contracts';
import { layout, type LaidOutNode } from '../state/layout';

export function useLayout(nodes: readonly NodeDefinition[]): { positions: LaidOutNode[] | null; error: string | null } {
  const [positions, setPositions] = useState<LaidOutNode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    layout(nodes)
      .then((laid) => {
        if (cancelled) return;
        setPositions(laid);
        setError(null);
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [nodes]);
  return { positions, error };
}
