-- Replay: seeking a run's state by time, and snapshots of its folded state so that the state at any
-- sequence costs at most one snapshot interval of events to fold (see RunReplay).

-- State at a time: the last event of the run stamped at or before it.
CREATE INDEX trace_events_run_ts_idx ON trace_events (run_id, ts, sequence);

-- The run's folded state (RunState JSON) after the event at sequence; written lazily, never updated.
CREATE TABLE trace_snapshots (
    run_id      text        NOT NULL,
    sequence    bigint      NOT NULL,
    state       jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, sequence)
);
