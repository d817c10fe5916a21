-- pq schema version 1: one table holds every queue.
CREATE TABLE ${table} (
    id          bigserial   PRIMARY KEY,
    queue       text        NOT NULL,
    enqueued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    schedule_at timestamptz,
    expected_at timestamptz,
    data        jsonb,
    bytes       bytea,
    CONSTRAINT ${name}_one_payload CHECK (data IS NULL OR bytes IS NULL)
);

-- Jobs ready at once, in dequeue order: earliest expected_at first (nulls last), then FIFO.
CREATE INDEX ${name}_ready_idx ON ${table} (queue, expected_at, id) WHERE schedule_at IS NULL;

-- Scheduled jobs by due time: dequeue reads the due ones, waiters read the next due time.
CREATE INDEX ${name}_scheduled_idx ON ${table} (queue, schedule_at) WHERE schedule_at IS NOT NULL;
