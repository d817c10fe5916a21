-- pq schema version 6: the job lifecycle beyond the seeds (issue 11). Nothing here is read or
-- written by put, lock or complete unless the feature is used: new columns are NULL by default
-- (no table rewrite), and the one new index on the job table is partial over keyed rows only.

-- Unique jobs. unique_key is the job's key; unique_scope how long it holds it: 1 while the job
-- waits (scheduled or ready; the worker sets 0 when it starts the job), 2 while it waits or runs
-- (until it finishes, fails or is cancelled), 3 for a period after enqueue (the claim below).
-- Scopes 1 and 2 are enforced by this unique partial index, so two enqueues can never both hold
-- a key, whatever their transactions do.
ALTER TABLE ${table} ADD COLUMN unique_key text, ADD COLUMN unique_scope smallint;
CREATE UNIQUE INDEX ${name}_unique_idx ON ${table} (unique_key)
    WHERE unique_scope IN (1, 2) AND finished_at IS NULL AND failed_at IS NULL;

-- Period claims (scope 3, uniqueFor): a key is held until expires_at whatever the job does; an
-- enqueue takes an expired claim over under the claim row's lock. Retention deletes expired claims.
CREATE TABLE ${schema}."${name}_unique" (
    key        text        PRIMARY KEY,
    job_id     bigint      NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Concurrency groups: a job's group key (a tenant, say), for limits of running jobs per group.
ALTER TABLE ${table} ADD COLUMN group_key text;

-- Rate limits: a sliding window kept as one row per allowed start; a start takes a slot whose
-- last use is older than the period, so no period ever holds more starts than there are slots.
CREATE TABLE ${schema}."${name}_rate_slots" (
    name       text        NOT NULL,
    slot       integer     NOT NULL,
    started_at timestamptz NOT NULL DEFAULT '-infinity',
    PRIMARY KEY (name, slot)
);
-- A grant takes the oldest slots first: an index scan, not a sort of the rate's N rows.
CREATE INDEX ${name}_rate_slots_at_idx ON ${schema}."${name}_rate_slots" (name, started_at);

-- pq's kept-history get: a get that keeps the row marks it dequeued (and finished).
ALTER TABLE ${table} ADD COLUMN dequeued_at timestamptz;

-- Retention prunes kept rows per queue, oldest first: the kept-row indexes lead with the queue.
DROP INDEX ${schema}.${name}_finished_idx;
CREATE INDEX ${name}_finished_idx ON ${table} (queue, finished_at) WHERE finished_at IS NOT NULL;
DROP INDEX ${schema}.${name}_failed_idx;
CREATE INDEX ${name}_failed_idx ON ${table} (queue, failed_at) WHERE failed_at IS NOT NULL;
