-- migrate:up
-- The trace context of the request that wrote a parked record's journal item (SPEC §10.2), copied
-- from the item when it is parked. NULL for letters parked before, and for items that carry none.
ALTER TABLE dead_letters
    ADD COLUMN correlation_id text NULL,
    ADD COLUMN traceparent    text NULL;

-- migrate:down
ALTER TABLE dead_letters
    DROP COLUMN traceparent,
    DROP COLUMN correlation_id;
