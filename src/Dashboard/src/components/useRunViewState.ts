// The run page's view state lives in its URL (links.ts RunViewState): reading it here and writing it back with
// replace, so selecting a node or filtering the console makes the address a link to that picture without
// filling the back button's history.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { levelParam, type RunViewState } from '../links';

const keys = ['node', 'level', 'text', 'tab'] as const;

export function useRunViewState(): [RunViewState, (change: Partial<RunViewState>) => void] {
  const [params, setParams] = useSearchParams();
  const node = params.get('node') || undefined;
  const level = levelParam(params.get('level'));
  const text = params.get('text') ?? undefined;
  const tab = params.get('tab') || undefined;
  const view = useMemo<RunViewState>(() => ({ node, level, text, tab }), [node, level, text, tab]);
  const update = useCallback(
    (change: Partial<RunViewState>) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const key of keys) {
            if (!(key in change)) continue;
            const value = change[key];
            if (value === undefined || value === '' || (key === 'level' && value === 'debug')) next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [view, update];
}
