-- Runs not yet ended, oldest change first: what the reconciler checks against their orchestrations.
CREATE INDEX runs_unfinished_updated_at_idx ON runs (updated_at, run_id) WHERE status IN ('queued', 'running');
