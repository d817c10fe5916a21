-- pq schema version 1: one table holds the jobs of every queue.
CREATE TABLE ${table} (
    id                   bigserial   PRIMARY KEY,
    queue                text        NOT NULL,
    priority             smallint    NOT NULL DEFAULT 100,
    enqueued_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    schedule_at          timestamptz,
    expected_at          timestamptz,
    task                 text,
    data                 jsonb,
    bytes                bytea,
    error_count          integer     NOT NULL DEFAULT 0,
    last_error_message   text,
    last_error_backtrace text,
    finished_at          timestamptz,
    expired_at           timestamptz,
    CONSTRAINT ${name}_one_payload CHECK (data IS NULL OR bytes IS NULL)
) WITH (fillfactor = 90);

-- Pending jobs ready at once, in dequeue order: priority (lower first), earliest expected_at
-- first (nulls last), then FIFO by id.
CREATE INDEX ${name}_ready_idx ON ${table} (queue, priority, expected_at, id)
    WHERE schedule_at IS NULL AND finished_at IS NULL AND expired_at IS NULL;

-- Pending scheduled jobs by due time: dequeue reads the due ones, waiters the next due time.
CREATE INDEX ${name}_scheduled_idx ON ${table} (queue, schedule_at)
    WHERE schedule_at IS NOT NULL AND finished_at IS NULL AND expired_at IS NULL;

-- Kept jobs: failed (expired) ones for inspection and retry, finished ones for history.
CREATE INDEX ${name}_expired_idx ON ${table} (expired_at) WHERE expired_at IS NOT NULL;
CREATE INDEX ${name}_finished_idx ON ${table} (finished_at) WHERE finished_at IS NOT NULL;
