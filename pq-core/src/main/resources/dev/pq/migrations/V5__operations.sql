-- pq schema version 5: operations. Paused queues (Resque's pause). A row per paused queue, '*' for every
-- queue. Workers read it when told on the table's control channel, and at every poll.
CREATE TABLE ${schema}."${name}_paused" (
    queue     text        PRIMARY KEY,
    paused_at timestamptz NOT NULL DEFAULT now()
);

-- Cancelled jobs (Admin.cancel): failed_at and cancelled_at set. Like a failed job it has left the
-- pending indexes (no index is rebuilt, nothing is added to the dequeue), and it is kept for
-- inspection; cancelled_at tells it from a failed one. The reason is its last_error_message.
ALTER TABLE ${table} ADD COLUMN cancelled_at timestamptz;

-- Stats over time (Resque's stats, by minute and by hour): per queue and task, the runs that
-- ended in each bucket (processed: every settled run; failed: runs that failed, retried or not;
-- cancelled), with histograms of the wait (ready -> start) and the run time, half an octave of
-- microseconds per element: element i (from 1) counts durations in [2^((i-1)/2), 2^(i/2)) us,
-- element 0 those under 1 us, the last (75th) everything longer than about 38 hours. Workers
-- add to them in batches at each heartbeat and prune them (minute rows after a day, hour rows
-- after 30 days by default).
CREATE TABLE ${schema}."${name}_stats_series" (
    span_s    integer     NOT NULL CHECK (span_s IN (60, 3600)),
    bucket    timestamptz NOT NULL,
    queue     text        NOT NULL,
    task      text        NOT NULL,
    processed bigint      NOT NULL DEFAULT 0,
    failed    bigint      NOT NULL DEFAULT 0,
    cancelled bigint      NOT NULL DEFAULT 0,
    wait_hist bigint[]    NOT NULL,
    run_hist  bigint[]    NOT NULL,
    PRIMARY KEY (span_s, bucket, queue, task)
);

-- Queue depth, sampled once a minute (and on the hour) by one worker: ready and scheduled jobs.
CREATE TABLE ${schema}."${name}_stats_depth" (
    span_s    integer     NOT NULL CHECK (span_s IN (60, 3600)),
    bucket    timestamptz NOT NULL,
    queue     text        NOT NULL,
    ready     bigint      NOT NULL,
    scheduled bigint      NOT NULL,
    PRIMARY KEY (span_s, bucket, queue)
);
