-- migrate:up
-- Where an operator's `rebuild-read-model` stands in each segment of its parallel Scan of the
-- journal, so that `--resume` goes on after an interruption instead of starting again. Rows exist
-- only while a rebuild is under way (the swap deletes them); the shadow table it fills,
-- user_accounts_rebuild, is created and swapped in by the command itself (LIKE user_accounts).
CREATE TABLE read_model_rebuild (
    segment             integer     NOT NULL PRIMARY KEY CHECK (segment >= 0),
    total_segments      integer     NOT NULL CHECK (total_segments > segment),
    journal_table       text        NOT NULL,
    -- The Scan's LastEvaluatedKey after the last page applied to the shadow table (DynamoDB's
    -- attribute-value JSON); NULL before the first page.
    last_evaluated_key  jsonb       NULL,
    finished            boolean     NOT NULL DEFAULT false,
    events              bigint      NOT NULL DEFAULT 0,
    started_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE read_model_rebuild;
