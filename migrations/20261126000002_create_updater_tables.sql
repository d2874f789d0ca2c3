-- migrate:up
-- Where the local stream poller stands in each shard of the journal's stream. Keyed by the stream
-- ARN: a re-created stream (a new ARN) starts from TRIM_HORIZON, which the idempotent projection
-- makes harmless.
CREATE TABLE stream_checkpoints (
    stream_arn           text        NOT NULL,
    shard_id             text        NOT NULL,
    table_name           text        NOT NULL,
    parent_shard_id      text        NULL,
    -- The last record applied (or dead-lettered); NULL until the first one. DynamoDB sequence
    -- numbers are opaque digit strings, passed back as AFTER_SEQUENCE_NUMBER.
    last_sequence_number text        NULL,
    -- Set once a closed shard has been read to its end: its children may then be read, and the
    -- poller never asks for an iterator on it again.
    finished_at          timestamptz NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_arn, shard_id)
);

-- Records that failed too many times, parked so that the rest of the stream goes on. `record` is
-- the stream record as received (AWS event shape), so an operator can inspect or replay it.
CREATE TABLE dead_letters (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_arn      text        NOT NULL,
    shard_id        text        NOT NULL,
    sequence_number text        NOT NULL,
    -- NULL when the record is too broken to name its aggregate.
    aggregate_id    text        NULL,
    record          jsonb       NOT NULL,
    error           text        NOT NULL,
    attempts        integer     NOT NULL CHECK (attempts >= 1),
    first_failed_at timestamptz NOT NULL,
    last_failed_at  timestamptz NOT NULL,
    -- A record is parked once: a poller restarted before its checkpoint moved parks it again as an
    -- upsert on this key.
    UNIQUE (stream_arn, shard_id, sequence_number)
);

CREATE INDEX dead_letters_aggregate_id_idx ON dead_letters (aggregate_id);

-- migrate:down
DROP TABLE dead_letters;
DROP TABLE stream_checkpoints;
