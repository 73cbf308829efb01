-- Search across runs (GET /api/search): built-in full-text search over the texts a person looks for — log
-- lines, failure messages and finding titles (a NODE_FINDING's message carries its title) — of every run.
-- Built-in rather than pg_trgm: pg_trgm is an extension, which the app role cannot create and a managed
-- server may not offer; full-text needs nothing. The 'simple' configuration neither stems nor drops stop
-- words, so tool output (host names, CVE ids, flags) is found as written. The query must repeat this exact
-- expression and predicate for the planner to use the index (see PostgresRunSearch).
CREATE INDEX trace_events_search_idx ON trace_events
    USING gin (to_tsvector('simple'::regconfig, coalesce(message, '')))
    WHERE type IN ('NODE_LOG', 'NODE_FAILED', 'NODE_FINDING');
