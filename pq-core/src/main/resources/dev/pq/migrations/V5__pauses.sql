-- pq schema version 5: paused queues (Resque's pause). A row per paused queue, '*' for every
-- queue. Workers read it when told on the table's control channel, and at every poll.
CREATE TABLE ${schema}."${name}_paused" (
    queue     text        PRIMARY KEY,
    paused_at timestamptz NOT NULL DEFAULT now()
);
