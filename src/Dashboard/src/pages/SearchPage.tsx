// #/search?q=&workflowId=&level=&nodeId=: log lines, failure messages and finding titles of every run that
// match, newest first, a page at a time (GET /api/search). Each result opens its run in replay at that
// event's sequence with its node selected.
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import { searchMatchEnd, searchMatchStart, traceEventLevels, type RunSearchResult, type TraceEventLevel } from '../api/contracts';
import { levelParam, navigate, replayHref, searchHref, type SearchFilters } from '../links';

const pageSize = 50;

export function SearchPage() {
  const [params] = useSearchParams();
  const filters: SearchFilters = {
    q: params.get('q')?.trim() ?? '',
    workflowId: params.get('workflowId') || undefined,
    level: levelParam(params.get('level')),
    nodeId: params.get('nodeId') || undefined,
    from: params.get('from') || undefined,
    to: params.get('to') || undefined,
  };
  const results = useInfiniteQuery({
    queryKey: ['search', filters],
    queryFn: ({ pageParam }) => api.search({ ...filters, cursor: pageParam, limit: pageSize }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: filters.q !== '',
  });
  const rows = results.data?.pages.flatMap((p) => p.results) ?? [];
  const refine = (change: Partial<SearchFilters>) => navigate(searchHref({ ...filters, ...change }), { replace: true });

  return (
    <div className="runs-page search-page" data-testid="search-page">
      <div className="runs-toolbar">
        <h1>Search</h1>
        <label>
          Workflow <input data-testid="search-workflow" defaultValue={filters.workflowId ?? ''} key={filters.workflowId ?? ''} placeholder="any" onBlur={(e) => refine({ workflowId: e.target.value.trim() || undefined })} />
        </label>
        <label>
          Node <input data-testid="search-node" defaultValue={filters.nodeId ?? ''} key={filters.nodeId ?? ''} placeholder="any" onBlur={(e) => refine({ nodeId: e.target.value.trim() || undefined })} />
        </label>
        <label>
          From <input type="datetime-local" data-testid="search-from" value={localInput(filters.from)} onChange={(e) => refine({ from: isoOf(e.target.value) })} />
        </label>
        <label>
          To <input type="datetime-local" data-testid="search-to" value={localInput(filters.to)} onChange={(e) => refine({ to: isoOf(e.target.value) })} />
        </label>
        <label>
          Level{' '}
          <select data-testid="search-level" value={filters.level ?? ''} onChange={(e) => refine({ level: (e.target.value || undefined) as TraceEventLevel | undefined })}>
            <option value="">any</option>
            {traceEventLevels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!filters.q && <p className="muted">Type words into the search box above: every word must match (use "a phrase", or, -word).</p>}
      {results.error && <div className="error banner">{results.error.message}</div>}
      {results.isPending && filters.q && <p className="muted">Searching…</p>}
      {results.isSuccess && rows.length === 0 && (
        <p className="muted" data-testid="search-empty">
          Nothing matches “{filters.q}”.
        </p>
      )}
      {rows.length > 0 && (
        <table className="runs search-results" data-testid="search-results">
          <thead>
            <tr>
              <th>When</th>
              <th>Run</th>
              <th>Node</th>
              <th>Match</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <SearchRow key={`${r.runId}/${r.sequence}`} result={r} />
            ))}
          </tbody>
        </table>
      )}
      {results.hasNextPage && (
        <button data-testid="search-more" disabled={results.isFetchingNextPage} onClick={() => void results.fetchNextPage()}>
          {results.isFetchingNextPage ? 'Loading…' : 'More results'}
        </button>
      )}
    </div>
  );
}

function SearchRow({ result }: { result: RunSearchResult }) {
  const href = replayHref(result.runId, undefined, { seq: result.sequence, ...(result.nodeId ? { node: result.nodeId } : {}) });
  return (
    <tr data-testid="search-result" data-run-id={result.runId} data-sequence={result.sequence} data-node={result.nodeId ?? ''}>
      <td className="small">{new Date(result.timestamp).toLocaleString()}</td>
      <td className="mono small">
        {result.workflowId}
        <br />
        <span className="muted">{result.runId}</span>
      </td>
      <td>{result.nodeId ?? <span className="muted">run</span>}</td>
      <td>
        <a href={href} data-testid="search-result-link" className="snippet">
          {highlight(result.snippet)}
        </a>{' '}
        <span className="muted small">#{result.sequence}</span>
      </td>
    </tr>
  );
}

/** The snippet as text with each «match» in a <mark>: the markers are plain text, so nothing is parsed as markup. */
export function highlight(snippet: string): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = snippet;
  let n = 0;
  for (;;) {
    const open = rest.indexOf(searchMatchStart);
    const close = open < 0 ? -1 : rest.indexOf(searchMatchEnd, open + 1);
    if (open < 0 || close < 0) {
      if (rest) out.push(rest);
      return out;
    }
    if (open > 0) out.push(rest.slice(0, open));
    out.push(<mark key={n++}>{rest.slice(open + searchMatchStart.length, close)}</mark>);
    rest = rest.slice(close + searchMatchEnd.length);
  }
}

/** A datetime-local input's value (local wall time, minutes) for an ISO moment; empty for none or nonsense. */
function localInput(iso: string | undefined): string {
  const t = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(t)) return '';
  const local = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The ISO moment a datetime-local value (local wall time) names; undefined when cleared. */
function isoOf(local: string): string | undefined {
  const t = local ? Date.parse(local) : Number.NaN;
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
