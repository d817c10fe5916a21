-- pq schema version 7: waiters. A row per (queue, LISTEN backend) that waits for this table's
-- notifications ('*' for every queue). A put notifies the queue's channel only when a row says
-- somebody waits: every notifying commit takes PostgreSQL's one database-wide notify lock and
-- holds it through its WAL flush, so notifying commits run one at a time. Unlogged: the rows
-- describe live backends only, and a crash ends those anyway. Rows of a backend that died without
-- removing them cost only extra notifications; listeners remove them when they connect.
CREATE UNLOGGED TABLE ${schema}."${name}_waiters" (
    queue text        NOT NULL,
    pid   integer     NOT NULL,
    since timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue, pid)
);

-- pg_notify(channel, queue) if somebody waits on the queue (or on every queue), else nothing.
-- PL/pgSQL, not SQL: its query plan is cached for the session (a SQL function with a WHERE is
-- planned again in every statement that calls it; measured 1.6-2.4x slower per call). Volatile:
-- in READ COMMITTED its query sees waiters registered since the calling statement began.
CREATE FUNCTION ${schema}."${name}_notify"(channel text, queue text) RETURNS void
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM ${schema}."${name}_waiters" w WHERE w.queue = $2 OR w.queue = '*') THEN
        PERFORM pg_notify($1, $2);
    END IF;
END
$fn$;
