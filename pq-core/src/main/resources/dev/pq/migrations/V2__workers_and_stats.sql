-- pq schema version 2: what workers (pq-tasks) record about themselves.

-- Live workers (Que's que_lockers, Resque's worker list), one row per worker process, kept
-- fresh by its heartbeat; rows of dead workers are deleted by the others.
CREATE TABLE ${workers} (
    id           text        PRIMARY KEY,
    host         text        NOT NULL,
    pid          bigint      NOT NULL,
    backend_pid  integer,
    queues       text[]      NOT NULL,
    worker_count integer     NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    heartbeat_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    jobs         jsonb       NOT NULL DEFAULT '[]',
    processed    bigint      NOT NULL DEFAULT 0,
    failed       bigint      NOT NULL DEFAULT 0
);

-- Processed and failed totals (Resque's stats), added to by each worker's heartbeat.
CREATE TABLE ${stats} (
    name  text   PRIMARY KEY,
    value bigint NOT NULL DEFAULT 0
);
