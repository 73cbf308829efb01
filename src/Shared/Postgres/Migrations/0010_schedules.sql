-- Workflow schedules: one row per schedule. next_fire_at is the one fire that is due next; the scheduler locks a due
-- row (FOR UPDATE SKIP LOCKED, so two hosts never take the same one), starts that fire's run and moves next_fire_at
-- to the first occurrence after now in the same transaction: after downtime the missed fires become one run.
CREATE TABLE workflow_schedules (
    schedule_id    text        PRIMARY KEY,
    workflow_id    text        NOT NULL,
    cron           text        NOT NULL,
    time_zone      text        NOT NULL,
    -- The input values runs start with, secret ones included (as a run's orchestration input holds them); the API
    -- answers with masked_inputs only.
    inputs         jsonb,
    masked_inputs  jsonb,
    created_at     timestamptz NOT NULL,
    created_by     text,
    -- Null when the expression has no further occurrence.
    next_fire_at   timestamptz,
    last_fire_at   timestamptz,
    last_run_id    text
);
CREATE INDEX workflow_schedules_workflow_idx ON workflow_schedules (workflow_id, created_at);
CREATE INDEX workflow_schedules_due_idx ON workflow_schedules (next_fire_at) WHERE next_fire_at IS NOT NULL;
