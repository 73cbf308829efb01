-- Runs with the search_path set to the configured schema (see PostgresMigrator), so names are unqualified.

CREATE TABLE workflows (
    id          text        NOT NULL,
    version     integer     NOT NULL,
    name        text        NOT NULL,
    definition  jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, version)
);

CREATE TABLE runs (
    run_id            text        PRIMARY KEY,
    workflow_id       text        NOT NULL,
    workflow_version  integer     NOT NULL,
    status            text        NOT NULL DEFAULT 'queued',
    nodes_total       integer     NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL,
    started_at        timestamptz,
    updated_at        timestamptz NOT NULL,
    completed_at      timestamptz,
    failure           jsonb,
    cancel_requested  boolean     NOT NULL DEFAULT false
);

-- Listing is newest first, overall or per workflow.
CREATE INDEX runs_created_at_idx ON runs (created_at DESC, run_id DESC);
CREATE INDEX runs_workflow_created_at_idx ON runs (workflow_id, created_at DESC, run_id DESC);

CREATE TABLE run_nodes (
    run_id         text        NOT NULL,
    node_id        text        NOT NULL,
    status         text        NOT NULL,
    attempt        integer     NOT NULL,
    started_at     timestamptz,
    completed_at   timestamptz,
    last_sequence  bigint      NOT NULL,
    PRIMARY KEY (run_id, node_id)
);

-- One counter row per run: UPDATE … RETURNING in the appending transaction keeps the sequence gapless
-- (a rollback returns the numbers), and locking the row makes one writer per run at a time.
CREATE TABLE run_sequences (
    run_id  text   PRIMARY KEY,
    last    bigint NOT NULL DEFAULT 0
);

-- Append-only: rows are inserted, never updated or deleted by the application.
CREATE TABLE trace_events (
    run_id    text        NOT NULL,
    sequence  bigint      NOT NULL,
    id        text        NOT NULL UNIQUE,
    node_id   text,
    attempt   integer     NOT NULL DEFAULT 0,
    type      text        NOT NULL,
    level     text        NOT NULL,
    ts        timestamptz NOT NULL,
    message   text,
    payload   jsonb,
    PRIMARY KEY (run_id, sequence)
);
