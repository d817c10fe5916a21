-- pq schema version 4: the scheduler (pq-scheduler). It runs as a job of this table: its state,
-- its audit, and the rules that keep exactly one scheduler job.

-- What the scheduler knows between its runs: when it last ran (database time) and the entries it
-- knew then. One row; changed only by the scheduler job's own transaction.
CREATE TABLE ${schema}."${name}_scheduler" (
    id       smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    last_run timestamptz,
    known    text[]      NOT NULL DEFAULT '{}'
);

-- Audit (que-scheduler's que_scheduler_audit and _enqueued): each run, and each job it enqueued.
CREATE TABLE ${schema}."${name}_scheduler_runs" (
    id      bigserial   PRIMARY KEY,
    job_id  bigint      NOT NULL,
    run_at  timestamptz NOT NULL,
    entries integer     NOT NULL DEFAULT 0
);
CREATE INDEX ${name}_scheduler_runs_at_idx ON ${schema}."${name}_scheduler_runs" (run_at);

CREATE TABLE ${schema}."${name}_scheduler_enqueued" (
    run_id    bigint      NOT NULL REFERENCES ${schema}."${name}_scheduler_runs" (id) ON DELETE CASCADE,
    entry     text        NOT NULL,
    task      text        NOT NULL,
    queue     text        NOT NULL,
    priority  smallint    NOT NULL,
    args      jsonb       NOT NULL,
    job_id    bigint      NOT NULL,
    run_time  timestamptz NOT NULL
);
-- "what did the scheduler enqueue for entry X", newest first
CREATE INDEX ${name}_scheduler_enqueued_entry_idx ON ${schema}."${name}_scheduler_enqueued" (entry, run_time DESC);
CREATE INDEX ${name}_scheduler_enqueued_run_idx ON ${schema}."${name}_scheduler_enqueued" (run_id);

-- At most one pending scheduler job.
CREATE UNIQUE INDEX ${name}_one_scheduler_idx ON ${table} (task)
    WHERE task = 'pq.scheduler' AND finished_at IS NULL AND failed_at IS NULL;

-- At least one: removing (deleting, finishing, failing) the last pending scheduler job is refused
-- when the transaction commits, unless it says so with SET LOCAL pq.scheduler_removal = 'allow'
-- (Scheduler.remove()). A trigger only on scheduler rows: other jobs never queue an event.
CREATE FUNCTION ${schema}.${name}_keep_scheduler() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('pq.scheduler_removal', true), '') <> 'allow' AND NOT EXISTS (
            SELECT 1 FROM ${table} WHERE task = 'pq.scheduler' AND finished_at IS NULL AND failed_at IS NULL) THEN
        RAISE EXCEPTION 'the pq scheduler job % of % cannot be removed: the schedule would stop', OLD.id, TG_TABLE_NAME
            USING HINT = 'to stop the scheduler on purpose, call Scheduler.remove()', ERRCODE = 'PQ001';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER ${name}_keep_scheduler AFTER DELETE OR UPDATE OF finished_at, failed_at ON ${table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.task = 'pq.scheduler')
    EXECUTE FUNCTION ${schema}.${name}_keep_scheduler();
