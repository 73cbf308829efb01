-- Run control: what started a run (api, a re-run of a parent, a schedule), and idempotent starts.

-- {kind, parentRunId?, scheduleId?}; null for runs recorded before triggers were kept (read as kind api).
ALTER TABLE runs ADD COLUMN trigger jsonb;
ALTER TABLE runs ADD COLUMN parent_run_id text;
CREATE INDEX runs_parent_run_id_idx ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;

-- One row per Idempotency-Key a caller sent with a start or re-run: the first request claims the key (the primary
-- key makes concurrent duplicates wait for, then see, that claim), the run it started is filled in once scheduled.
-- A key is honoured for 24 hours; an older row is taken over by the next request with that key.
CREATE TABLE idempotency_keys (
    caller        text        NOT NULL,
    key           text        NOT NULL,
    request_hash  text        NOT NULL,
    run_id        text,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (caller, key)
);
