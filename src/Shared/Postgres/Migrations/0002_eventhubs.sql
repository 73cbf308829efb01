-- The Event Hubs trace transport keeps its partition ownership and checkpoints beside the trace, so a
-- checkpoint commits in the same transaction as the events it covers (see PostgresTraceStore).

-- One row per partition a processor owns. version is the optimistic-concurrency token of a claim: a
-- claim only succeeds by updating the row at the version it last saw.
CREATE TABLE trace_partition_ownership (
    namespace       text        NOT NULL,
    event_hub       text        NOT NULL,
    consumer_group  text        NOT NULL,
    partition_id    text        NOT NULL,
    owner_id        text        NOT NULL,
    version         bigint      NOT NULL,
    last_modified   timestamptz NOT NULL,
    PRIMARY KEY (namespace, event_hub, consumer_group, partition_id)
);

-- Where each partition resumes: after the event at this offset / sequence number.
CREATE TABLE trace_checkpoints (
    namespace        text        NOT NULL,
    event_hub        text        NOT NULL,
    consumer_group   text        NOT NULL,
    partition_id     text        NOT NULL,
    event_offset     text,
    sequence_number  bigint      NOT NULL,
    last_modified    timestamptz NOT NULL,
    PRIMARY KEY (namespace, event_hub, consumer_group, partition_id)
);
