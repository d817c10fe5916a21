package dev.pq.tasks.internal;

import dev.pq.internal.Sql;
import java.util.List;

/**
 * The SQL statements of pq-tasks (those of limits are in {@link LimitsSql}, those of stats over
 * time in {@link SeriesSql}), built once per table with pq-core's {@link Sql#named}: a text
 * block with a name each, and the fragments ({@code {pending}}, {@code {when}}, {@code {lock_key}}
 * ...) defined once, in {@link Sql}. Only the validated, quoted table names are interpolated; every
 * value is a bound parameter.
 */
public final class TasksSql {
    /**
     * The job columns a worker reads, in this order. The last is the row's version: its
     * {@code xmin}, which changes with every update, so a completion can require the very row
     * version its run started from.
     */
    private static final String JOB_COLUMNS = """
            t.id, t.queue, t.priority, t.task, CAST(t.data AS text), t.bytes, t.error_count,
            t.enqueued_at, t.schedule_at, t.expected_at, CAST(CAST(t.xmin AS text) AS bigint), t.unique_scope = 1""";
    /** The transaction-local setting through which the lock statement hands its ids to its re-check. */
    private static final String LOCKED_IDS = "pq.locked_ids";
    /** Jobs given as (id, version) arrays. */
    private static final String BY_VERSION = "unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS u(id, v)";
    /**
     * Rows given as (id, version) that are still exactly the version a run started from: not
     * completed, failed, rescheduled or deleted by anyone since, not even by another run of the
     * same job after this worker lost its locks with its connection.
     */
    private static final String SAME_VERSION = "t.id = u.id AND t.xmin = CAST(CAST(u.v AS text) AS xid) AND {pending.t}";

    public final Sql core;
    public final String enqueue;
    /** The lock round: {@link #lockParts} as one text, sent in one message. */
    public final String lock;
    /** The lock statement, then the re-check of the ids it locked (for EXPLAIN, one by one). */
    public final List<String> lockParts;
    public final String recheck;
    public final String check;
    public final String relock;
    public final String giveBack;
    public final String unlock;
    public final String queueNames;
    public final String nextDue;
    public final String destroy;
    public final String finish;
    public final String markFailed;
    public final String reschedule;
    public final String recordFailure;
    public final String heartbeat;
    public final String addStats;
    public final String pruneWorkers;
    public final String deregisterWorker;
    public final String workers;
    public final String jobStats;
    public final String failedJobs;
    public final String retryFailed;
    public final String retryAllFailed;
    public final String deleteFailed;
    public final String deleteAllFailed;
    public final String stats;
    public final String pause;
    public final String resume;
    public final String resumeAll;
    public final String paused;
    public final String cancel;
    public final String queueCounts;
    public final String readyJobs;
    public final String scheduledJobs;
    public final String jobById;
    public final String keptQueues;
    /** Per kind of kept job (finished, failed, cancelled): the batch delete and the n-th newest. */
    public final String[] pruneKept = new String[3];
    public final String[] nthKept = new String[3];
    public final String pruneClaimsFirst;
    public final String pruneClaims;

    public TasksSql(Sql core) {
        this.core = core;

        enqueue = core.named("enqueue", """
                WITH job AS (
                  INSERT INTO {table} (queue, priority, task, data, schedule_at, expected_at)
                  VALUES (?, ?, ?, CAST(? AS jsonb), {when}, {when})
                  RETURNING id)
                SELECT id, {notify_waited} FROM job""");

        // Candidates per queue, in queue-list order, then priority, expectedAt, id; each queue read
        // from its two partial indexes. The session lock is tried on candidates in that order until
        // the wanted number is locked, so only handed-out jobs are locked. Jobs this process has
        // taken are excluded: session locks are re-entrant, so they would be locked (and run) twice.
        // Returns the locked ids and how many candidates were seen. A second statement, sent in the
        // same round trip (one Sync, so one implicit transaction, and in READ COMMITTED a snapshot
        // of its own taken after every lock above): the re-check below, of the ids the first one
        // left in a transaction-local setting.
        String lockOnly = core.named("lock", String.format("""
                WITH cand AS MATERIALIZED (
                  SELECT j.id, q.ord, j.priority, j.expected_at
                  FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS q(name, ord)
                  CROSS JOIN LATERAL (
                    (SELECT id, priority, expected_at FROM {table}
                     WHERE queue = q.name AND schedule_at IS NULL AND {pending}
                       AND priority <= ? AND id <> ALL(CAST(? AS bigint[]))
                     ORDER BY priority, expected_at, id LIMIT ?)
                    UNION ALL
                    (SELECT id, priority, expected_at FROM {table}
                     WHERE queue = q.name AND schedule_at <= statement_timestamp() AND {pending}
                       AND priority <= ? AND id <> ALL(CAST(? AS bigint[]))
                     ORDER BY priority, expected_at, id LIMIT ?)
                    ORDER BY priority, expected_at, id LIMIT ?) AS j
                  ORDER BY q.ord, j.priority, j.expected_at, j.id LIMIT ?),
                locked AS (
                  SELECT id, ord, priority, expected_at FROM cand
                  WHERE pg_try_advisory_lock(?, {lock_key}) LIMIT ?),
                kept AS (
                  SELECT set_config('%1$s', COALESCE(CAST((SELECT array_agg(id) FROM locked) AS text), '{}'), true))
                SELECT l.id, c.n FROM (SELECT count(*) AS n FROM cand) AS c CROSS JOIN kept
                LEFT JOIN locked AS l ON true ORDER BY l.ord, l.priority, l.expected_at, l.id""", LOCKED_IDS));
        String recheckLocked = core.named("recheckLocked", String.format("""
                SELECT %2$s
                FROM {table} AS t
                WHERE t.id = ANY(CAST(current_setting('%1$s') AS bigint[])) AND {pending.t} AND {due.t}""",
                LOCKED_IDS, JOB_COLUMNS));
        lockParts = List.of(lockOnly, recheckLocked);
        lock = String.join(";\n", lockParts);

        // Advisory locks ignore MVCC: a job finished by another worker after the lock query's
        // snapshot can still be locked. A new statement (new snapshot) reads the locked jobs that
        // are really still pending and ready; the others are unlocked.
        recheck = core.named("recheck", "SELECT " + JOB_COLUMNS + " " + """
                 FROM {table} AS t WHERE t.id = ANY(CAST(? AS bigint[])) AND {pending.t} AND {due.t}""");

        // Before a job that waited in the buffer runs: is it still pending and ready (not deleted,
        // finished or rescheduled meanwhile), and is the locker's session, which holds its lock,
        // still alive? (pg_stat_get_activity(pid) looks at one backend; pg_locks would copy the
        // whole lock table under the lock manager's locks.)
        check = core.named("check", "SELECT " + JOB_COLUMNS + """
                , EXISTS (SELECT 1 FROM pg_stat_get_activity(?))
                FROM {table} AS t WHERE t.id = ANY(CAST(? AS bigint[])) AND {pending.t} AND {due.t}""");

        // After the locker reconnected: take again the locks of jobs this process is still running.
        relock = core.named("relock", """
                SELECT id FROM unnest(CAST(? AS bigint[])) AS u(id) WHERE pg_try_advisory_lock(?, {lock_key})""");

        // Jobs locked but not run (shutdown, a job interrupted by it): unlock them and tell the
        // other workers of their queues, who would otherwise only see them at their next poll.
        giveBack = core.named("giveBack", """
                SELECT (SELECT count(*) FILTER (WHERE pg_advisory_unlock(?, {lock_key}))
                        FROM unnest(CAST(? AS bigint[])) AS u(id)),
                       (SELECT count({notify}(?, q)) FROM unnest(CAST(? AS text[])) AS n(q))""");
        unlock = core.named("unlock", """
                SELECT count(*) FILTER (WHERE pg_advisory_unlock(?, {lock_key})) FROM unnest(CAST(? AS bigint[])) AS u(id)""");

        // Distinct queue names with pending jobs: a loose index scan, one index probe per queue.
        queueNames = core.named("queueNames", """
                WITH RECURSIVE q AS (
                  (SELECT queue FROM {table} WHERE {pending} AND schedule_at IS NULL ORDER BY queue LIMIT 1)
                  UNION ALL
                  SELECT (SELECT queue FROM {table} WHERE queue > q.queue AND {pending} AND schedule_at IS NULL
                          ORDER BY queue LIMIT 1)
                  FROM q WHERE q.queue IS NOT NULL),
                s AS (
                  (SELECT queue FROM {table} WHERE {pending} AND schedule_at IS NOT NULL ORDER BY queue LIMIT 1)
                  UNION ALL
                  SELECT (SELECT queue FROM {table} WHERE queue > s.queue AND {pending} AND schedule_at IS NOT NULL
                          ORDER BY queue LIMIT 1)
                  FROM s WHERE s.queue IS NOT NULL)
                SELECT queue FROM q WHERE queue IS NOT NULL UNION SELECT queue FROM s WHERE queue IS NOT NULL""");
        nextDue = core.named("nextDue", """
                SELECT EXTRACT(EPOCH FROM min(schedule_at) - clock_timestamp()) FROM {table}
                WHERE queue = ANY(CAST(? AS text[])) AND schedule_at > statement_timestamp() AND {pending}""");

        // Completions and failures change only the row version their run started from, and say
        // which rows they changed: a row gone or changed means another run got there first.
        destroy = core.named("destroy", "DELETE FROM {table} AS t USING " + BY_VERSION + " WHERE " + SAME_VERSION
                + " RETURNING t.id");
        finish = core.named("finish", "UPDATE {table} AS t SET finished_at = clock_timestamp() FROM " + BY_VERSION
                + " WHERE " + SAME_VERSION + " RETURNING t.id");
        markFailed = core.named("markFailed", "UPDATE {table} AS t SET failed_at = clock_timestamp() FROM " + BY_VERSION
                + " WHERE " + SAME_VERSION + " RETURNING t.id");
        reschedule = core.named("reschedule", """
                UPDATE {table} AS t SET schedule_at = u.at
                FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS timestamptz[])) AS u(id, v, at)
                WHERE """ + " " + SAME_VERSION + " RETURNING t.id");
        recordFailure = core.named("recordFailure", """
                UPDATE {table} AS t SET error_count = t.error_count + 1, last_error_message = ?,
                       last_error_backtrace = ?, schedule_at = COALESCE(?, t.schedule_at),
                       failed_at = CASE WHEN ? THEN clock_timestamp() END
                FROM""" + " " + BY_VERSION + " WHERE " + SAME_VERSION + " RETURNING t.id");

        heartbeat = core.named("heartbeat", """
                INSERT INTO {workers} AS w (id, host, pid, backend_pid, queues, worker_count, jobs, processed, failed)
                VALUES (?, ?, ?, ?, CAST(? AS text[]), ?, CAST(? AS jsonb), ?, ?)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = clock_timestamp(), backend_pid = excluded.backend_pid,
                  jobs = excluded.jobs, processed = excluded.processed, failed = excluded.failed""");
        addStats = core.named("addStats", """
                INSERT INTO {stats} AS s (name, value) VALUES ('processed', ?), ('failed', ?)
                ON CONFLICT (name) DO UPDATE SET value = s.value + excluded.value""");
        pruneWorkers = core.named("pruneWorkers", """
                DELETE FROM {workers}
                WHERE heartbeat_at < clock_timestamp() - CAST(? AS bigint) * interval '1 millisecond'
                   OR (backend_pid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = backend_pid))""");
        deregisterWorker = core.named("deregisterWorker", "DELETE FROM {workers} WHERE id = ?");
        workers = core.named("workers", """
                SELECT id, host, pid, queues, worker_count, started_at, heartbeat_at, CAST(jobs AS text), processed, failed
                FROM {workers}
                WHERE heartbeat_at >= clock_timestamp() - CAST(? AS bigint) * interval '1 millisecond'
                  AND (backend_pid IS NULL OR EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = backend_pid))
                ORDER BY started_at, id""");

        // Que's job_stats: "working" counts jobs whose advisory lock is held right now.
        jobStats = core.named("jobStats", """
                SELECT t.queue, COALESCE(t.task, ''), count(*), count(l.pid),
                       count(*) FILTER (WHERE t.error_count > 0), COALESCE(max(t.error_count), 0),
                       min(COALESCE(t.schedule_at, t.enqueued_at))
                FROM {table} AS t
                LEFT JOIN pg_locks AS l ON l.locktype = 'advisory' AND l.objsubid = 2
                  AND l.classid = CAST(CAST(? AS bigint) AS oid) AND l.objid = {lock_objid} AND l.granted
                WHERE {pending.t} GROUP BY t.queue, t.task ORDER BY t.queue, 2""");

        failedJobs = core.named("failedJobs", "SELECT " + JOB_COLUMNS + """
                , t.last_error_message, t.last_error_backtrace, t.failed_at FROM {table} AS t
                WHERE t.failed_at IS NOT NULL AND t.finished_at IS NULL AND (t.cancelled_at IS NOT NULL) = ?
                  AND (CAST(? AS text) IS NULL OR t.queue = ?) AND (CAST(? AS text) IS NULL OR t.task = ?)
                ORDER BY t.failed_at, t.id LIMIT ? OFFSET ?""");
        // A retried job takes its unique key back, unless another pending job holds it meanwhile:
        // then it runs without (the key's holder is not a duplicate of it).
        String keyStillFree = """
                CASE WHEN t.unique_scope IN (1, 2) AND EXISTS (SELECT 1 FROM {table} AS o WHERE o.unique_key = t.unique_key
                  AND o.unique_scope IN (1, 2) AND o.finished_at IS NULL AND o.failed_at IS NULL AND o.id <> t.id)
                THEN 0 ELSE t.unique_scope END""";
        retryFailed = core.named("retryFailed", """
                WITH r AS (
                  UPDATE {table} AS t SET failed_at = NULL, cancelled_at = NULL, error_count = 0, schedule_at = NULL,
                         unique_scope = """ + keyStillFree + """
                  WHERE t.id = ? AND t.failed_at IS NOT NULL RETURNING t.queue)
                SELECT count(*), count({notify}(?, queue)) FROM r""");
        retryAllFailed = core.named("retryAllFailed", """
                WITH r AS (
                  UPDATE {table} AS t SET failed_at = NULL, error_count = 0, schedule_at = NULL,
                         unique_scope = """ + keyStillFree + """
                  WHERE t.failed_at IS NOT NULL AND t.finished_at IS NULL AND t.cancelled_at IS NULL
                    AND (CAST(? AS text) IS NULL OR t.queue = ?) AND (CAST(? AS text) IS NULL OR t.task = ?)
                  RETURNING t.queue),
                n AS (SELECT DISTINCT queue FROM r)
                SELECT (SELECT count(*) FROM r), (SELECT count({notify}(?, queue)) FROM n)""");
        deleteFailed = core.named("deleteFailed", "DELETE FROM {table} WHERE id = ? AND failed_at IS NOT NULL");
        deleteAllFailed = core.named("deleteAllFailed", """
                DELETE FROM {table} WHERE failed_at IS NOT NULL AND finished_at IS NULL AND (cancelled_at IS NOT NULL) = ?
                  AND (CAST(? AS text) IS NULL OR queue = ?) AND (CAST(? AS text) IS NULL OR task = ?)""");
        stats = core.named("stats", "SELECT name, value FROM {stats}");

        // Pauses: rows of {paused} ('*' is every queue), each change told to every worker on the
        // control channel in the same transaction; workers also read them at every poll.
        pause = core.named("pause", """
                WITH p AS (
                  INSERT INTO {paused} (queue) SELECT DISTINCT unnest(CAST(? AS text[]))
                  ON CONFLICT (queue) DO NOTHING RETURNING queue)
                SELECT count(*), (SELECT pg_notify(?, 'pause')) FROM p""");
        resume = core.named("resume", """
                WITH r AS (DELETE FROM {paused} WHERE queue = ANY(CAST(? AS text[])) RETURNING queue)
                SELECT count(*), (SELECT pg_notify(?, 'resume')) FROM r""");
        resumeAll = core.named("resumeAll", """
                WITH r AS (DELETE FROM {paused} RETURNING queue)
                SELECT count(*), (SELECT pg_notify(?, 'resume')) FROM r""");
        paused = core.named("paused", "SELECT queue, paused_at FROM {paused} ORDER BY queue");

        // Cancel a pending job: marked failed and cancelled (it leaves the pending indexes like a
        // failed job), with the reason as its last error. Whether some session holds its lock says
        // whether it runs now; the worker running it is told on the control channel.
        cancel = core.named("cancel", """
                WITH c AS (
                  UPDATE {table} AS t SET failed_at = clock_timestamp(), cancelled_at = clock_timestamp(),
                         last_error_message = ?, last_error_backtrace = NULL
                  WHERE t.id = ? AND {pending.t} RETURNING t.id, t.task)
                SELECT c.task, EXISTS (SELECT 1 FROM pg_locks AS l JOIN c AS t ON true
                         WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
                           AND l.classid = CAST(CAST(? AS bigint) AS oid) AND l.objid = {lock_objid}),
                       pg_notify(?, 'cancel ' || c.id)
                FROM c""");

        // The dashboard's reads. Queue counts leave finished (history) rows out; the job lists read
        // a page through the pending indexes first, then ask pg_locks about those rows only.
        queueCounts = core.named("queueCounts", """
                SELECT t.queue,
                       count(*) FILTER (WHERE {pending.t} AND {due.t}),
                       count(*) FILTER (WHERE {pending.t} AND NOT {due.t}),
                       count(l.pid) FILTER (WHERE {pending.t}),
                       count(*) FILTER (WHERE t.failed_at IS NOT NULL AND t.cancelled_at IS NULL),
                       count(*) FILTER (WHERE t.cancelled_at IS NOT NULL),
                       min(COALESCE(t.schedule_at, t.enqueued_at)) FILTER (WHERE {pending.t} AND {due.t})
                FROM {table} AS t
                LEFT JOIN pg_locks AS l ON l.locktype = 'advisory' AND l.objsubid = 2
                  AND l.classid = CAST(CAST(? AS bigint) AS oid) AND l.objid = {lock_objid} AND l.granted
                WHERE t.finished_at IS NULL GROUP BY t.queue ORDER BY t.queue""");
        String jobView = """
                SELECT t.id, t.queue, t.task, t.priority, CAST(t.data AS text), octet_length(t.bytes), t.error_count,
                       t.last_error_message, t.last_error_backtrace, t.enqueued_at, t.schedule_at, t.failed_at,
                       t.finished_at, t.cancelled_at, EXISTS (SELECT 1 FROM pg_locks AS l
                         WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
                           AND l.classid = CAST(CAST(? AS bigint) AS oid) AND l.objid = {lock_objid}), {due.t},
                       t.unique_key, t.group_key
                FROM\s""";
        readyJobs = core.named("readyJobs", jobView + """
                (SELECT * FROM {table} AS t WHERE {pending.t} AND {due.t} AND (CAST(? AS text) IS NULL OR t.queue = ?)
                 ORDER BY t.priority, t.expected_at, t.id LIMIT ? OFFSET ?) AS t
                ORDER BY t.priority, t.expected_at, t.id""");
        scheduledJobs = core.named("scheduledJobs", jobView + """
                (SELECT * FROM {table} AS t WHERE {pending.t} AND NOT {due.t} AND (CAST(? AS text) IS NULL OR t.queue = ?)
                 ORDER BY t.schedule_at, t.id LIMIT ? OFFSET ?) AS t
                ORDER BY t.schedule_at, t.id""");
        jobById = core.named("jobById", jobView + "{table} AS t WHERE t.id = ?");
    
        // Retention (Pruning). The queues with kept rows: a skip scan of each kept-row index,
        // one probe per queue. Then per queue and kind, oldest first from (queue, finished_at) or
        // (queue, failed_at): a batch starts where the last ended (no walk over the entries just
        // deleted), skips rows another session holds, and the DELETE re-checks its condition on
        // the row version it finds, so a job retried meanwhile (pending again) is never deleted.
        String skip = """
                %1$s AS (
                  (SELECT queue FROM {table} WHERE %2$s IS NOT NULL ORDER BY queue LIMIT 1)
                  UNION ALL
                  SELECT (SELECT t.queue FROM {table} AS t WHERE t.%2$s IS NOT NULL AND t.queue > %1$s.queue
                          ORDER BY t.queue LIMIT 1)
                  FROM %1$s WHERE %1$s.queue IS NOT NULL)""";
        keptQueues = core.named("keptQueues", "WITH RECURSIVE " + String.format(skip, "f", "finished_at") + ",\n"
                + String.format(skip, "g", "failed_at") + """

                SELECT queue FROM f WHERE queue IS NOT NULL UNION SELECT queue FROM g WHERE queue IS NOT NULL ORDER BY 1""");
        String[][] kinds = {
                {"Finished", "finished_at", ""},
                {"Failed", "failed_at", " AND cancelled_at IS NULL AND finished_at IS NULL"},
                {"Cancelled", "failed_at", " AND cancelled_at IS NOT NULL AND finished_at IS NULL"}};
        for (int k = 0; k < 3; k++) {
            String col = kinds[k][1];
            String cond = kinds[k][2];
            pruneKept[k] = core.named("prune" + kinds[k][0], String.format("""
                    WITH d AS (
                      DELETE FROM {table} WHERE id IN (
                        SELECT id FROM {table}
                        WHERE queue = ? AND %1$s >= COALESCE(CAST(? AS timestamptz), '-infinity') AND %1$s < CAST(? AS timestamptz)%2$s
                        ORDER BY %1$s LIMIT ? FOR UPDATE SKIP LOCKED)
                      AND %1$s < CAST(? AS timestamptz)%2$s
                      RETURNING %1$s)
                    SELECT count(*), max(%1$s) FROM d""", col, cond));
            nthKept[k] = core.named("nth" + kinds[k][0], String.format("""
                    SELECT %1$s FROM {table} WHERE queue = ? AND %1$s IS NOT NULL%2$s
                    ORDER BY %1$s DESC OFFSET ? LIMIT 1""", col, cond));
        }
        // Expired unique-period claims: one walk over the claims' primary key per prune, a page
        // per statement, deleting the page's expired claims that no enqueue holds at that moment
        // (an enqueue taking a claim over has it locked; the DELETE re-checks expires_at).
        String claims = """
                WITH page AS MATERIALIZED (SELECT key, expires_at FROM {unique}%s ORDER BY key LIMIT ?),
                gone AS (SELECT u.key FROM {unique} AS u JOIN page ON u.key = page.key
                         WHERE page.expires_at < clock_timestamp() FOR UPDATE OF u SKIP LOCKED),
                d AS (DELETE FROM {unique} AS u USING gone WHERE u.key = gone.key AND u.expires_at < clock_timestamp()
                      RETURNING 1)
                SELECT (SELECT count(*) FROM page), (SELECT max(key) FROM page), (SELECT count(*) FROM d)""";
        pruneClaimsFirst = core.named("pruneClaimsFirst", String.format(claims, ""));
        pruneClaims = core.named("pruneClaims", String.format(claims, " WHERE key > ?"));
}
}
