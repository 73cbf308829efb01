-- Baselines: which earlier run a run is compared with, and what it found against it (see PostgresBaselines).

-- SHA-256 of the run's real input values (secrets included, never stored): runs with the same inputs match.
ALTER TABLE runs ADD COLUMN inputs_digest text;

-- {runId, findingsAdded, findingsResolved}, recorded in the transaction that appends the run's completion.
ALTER TABLE runs ADD COLUMN baseline jsonb;

-- The latest earlier completed run of a workflow with the same inputs: an index scan, however many runs.
CREATE INDEX runs_workflow_inputs_created_idx ON runs (workflow_id, inputs_digest, created_at DESC);

-- A workflow's pinned baseline, which wins over the latest matching run.
CREATE TABLE workflow_baselines (
    workflow_id  text        PRIMARY KEY,
    run_id       text        NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    pinned_at    timestamptz NOT NULL
);
