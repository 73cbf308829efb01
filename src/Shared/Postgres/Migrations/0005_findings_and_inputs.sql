-- Findings as first-class trace data, and the inputs a run started with.

-- The values a run started with, secret ones masked (the real values travel only in the orchestration input).
ALTER TABLE runs ADD COLUMN inputs jsonb;

-- Every NODE_FINDING event, indexed in the same transaction as the event itself (see PostgresTraceStore).
-- Append-only like trace_events: one row per event, so a finding reported again (a retried attempt) is a
-- second row with the same fingerprint; readers take the latest row per (run_id, fingerprint). Comparing
-- runs (what is new, what was fixed) and a workflow's open findings are joins on fingerprint.
CREATE TABLE run_findings (
    run_id       text        NOT NULL,
    sequence     bigint      NOT NULL,
    fingerprint  text        NOT NULL,
    rule_id      text        NOT NULL,
    severity     text        NOT NULL,
    node_id      text        NOT NULL,
    attempt      integer     NOT NULL,
    ts           timestamptz NOT NULL,
    finding      jsonb       NOT NULL,
    PRIMARY KEY (run_id, sequence)
);

CREATE INDEX run_findings_run_fingerprint_idx ON run_findings (run_id, fingerprint, sequence DESC);
CREATE INDEX run_findings_fingerprint_idx ON run_findings (fingerprint, run_id);

-- Snapshots are a cache of the fold, which now carries findings: ones folded before lack them.
DELETE FROM trace_snapshots;
