package dev.pq.scheduler.internal;

import dev.pq.internal.Identifiers;
import dev.pq.internal.Sql;

/**
 * Every statement of pq-scheduler, named, on the tables of schema version 4 (the scheduler's
 * state, its runs and what they enqueued) and the job table. Only validated, quoted names are
 * interpolated; every value is a bound parameter.
 */
public final class SchedulerSql {
    /** The scheduler job's task name (the unique index and the trigger of schema version 4 name it too). */
    public static final String TASK = "pq.scheduler";
    /** The queue the scheduler job waits in. */
    public static final String QUEUE = "pq_scheduler";

    public final String state;
    public final String insertState;
    public final String saveState;
    public final String insertRun;
    public final String runEntries;
    public final String recordEnqueued;
    public final String ensureJob;
    public final String removeJob;
    public final String jobIds;
    public final String runs;
    public final String enqueued;
    public final String lastEnqueued;
    public final String clearAudit;

    public SchedulerSql(Sql core) {
        String s = Identifiers.quote("schema", core.schema) + ".\"" + core.table;
        String stateTable = s + "_scheduler\"";
        String runsTable = s + "_scheduler_runs\"";
        String enqueuedTable = s + "_scheduler_enqueued\"";

        // the row lock serializes two runs that both think they hold the job (after lost locks)
        state = core.named("schedulerState", "SELECT last_run, known FROM " + stateTable + " WHERE id = 1 FOR UPDATE");
        insertState = core.named("schedulerFirstRun", "INSERT INTO " + stateTable
                + " (id, last_run, known) VALUES (1, ?, CAST(? AS text[])) ON CONFLICT (id) DO NOTHING");
        saveState = core.named("schedulerSaveState", "UPDATE " + stateTable
                + " SET last_run = ?, known = CAST(? AS text[]) WHERE id = 1");
        insertRun = core.named("schedulerRun", "INSERT INTO " + runsTable
                + " (job_id, run_at, entries) VALUES (?, ?, ?) RETURNING id");
        runEntries = core.named("schedulerRunEntries", "UPDATE " + runsTable + " SET entries = ? WHERE id = ?");
        // what the job row really got (queue and priority default to the task's)
        recordEnqueued = core.named("schedulerEnqueued", "INSERT INTO " + enqueuedTable
                + " (run_id, entry, task, queue, priority, args, job_id, run_time) "
                + "SELECT ?, ?, j.task, j.queue, j.priority, COALESCE(j.data, 'null'), j.id, ? FROM {table} AS j WHERE j.id = ?");
        ensureJob = core.named("schedulerEnsure", """
                WITH job AS (
                  INSERT INTO {table} (queue, priority, task, data)
                  SELECT ?, 0, ?, CAST('{}' AS jsonb)
                  WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE task = ? AND {pending})
                  ON CONFLICT (task) WHERE task = 'pq.scheduler' AND finished_at IS NULL AND failed_at IS NULL DO NOTHING
                  RETURNING id)
                SELECT id, {notify}(?, ?) FROM job""");
        removeJob = core.named("schedulerRemove", "DELETE FROM {table} WHERE task = ?");
        jobIds = core.named("schedulerJobs", "SELECT id, schedule_at FROM {table} WHERE task = ? AND {pending}");
        runs = core.named("schedulerRuns", "SELECT id, job_id, run_at, entries FROM " + runsTable
                + " ORDER BY id DESC LIMIT ?");
        enqueued = core.named("schedulerEnqueuedFor", "SELECT e.entry, e.task, e.queue, e.priority, CAST(e.args AS text), "
                + "e.job_id, e.run_time, e.run_id FROM " + enqueuedTable + " AS e "
                + "WHERE (CAST(? AS text) IS NULL OR e.entry = ?) ORDER BY e.run_time DESC, e.job_id DESC LIMIT ?");
        lastEnqueued = core.named("schedulerLastEnqueued", "SELECT entry, max(run_time) FROM " + enqueuedTable
                + " GROUP BY entry");
        // que-scheduler's retain_row_count: the newest runs are kept, their enqueued rows with them
        clearAudit = core.named("schedulerClearAudit", "DELETE FROM " + runsTable + " WHERE id <= (SELECT id FROM "
                + runsTable + " ORDER BY id DESC OFFSET ? LIMIT 1)");
    }
}
