// The header's search box: submits to #/search?q=…, which lists the matches across every run.
import { useEffect, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { navigate, searchHref } from '../links';

export function SearchBox() {
  const location = useLocation();
  const [params] = useSearchParams();
  const onSearchPage = location.pathname === '/search';
  const [text, setText] = useState(onSearchPage ? (params.get('q') ?? '') : '');
  // Follows the page's query (back/forward, a pasted link) while the search page is open.
  const current = onSearchPage ? (params.get('q') ?? '') : null;
  useEffect(() => {
    if (current !== null) setText(current);
  }, [current]);

  return (
    <form
      className="search-box"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const q = text.trim();
        if (!q) return;
        // Other filters of an open search page stay; a new search from elsewhere starts without them.
        const keep = onSearchPage ? Object.fromEntries(['workflowId', 'level', 'nodeId', 'from', 'to'].flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : []))) : {};
        navigate(searchHref({ ...keep, q }));
      }}
    >
      <input type="search" data-testid="search-input" placeholder="Search logs, errors, findings of all runs…" value={text} onChange={(e) => setText(e.target.value)} aria-label="Search runs" />
      <button type="submit" data-testid="search-submit" disabled={!text.trim()}>
        Search
      </button>
    </form>
  );
}
