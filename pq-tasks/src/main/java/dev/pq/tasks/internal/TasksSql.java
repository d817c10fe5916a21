package dev.pq.tasks.internal;

import dev.pq.internal.Sql;

/**
 * Every SQL statement of pq-tasks, built once per table from pq-core's {@link Sql}. Only the
 * validated, quoted table names are interpolated; every value is a bound parameter.
 */
public final class TasksSql {
    private static final String PENDING = Sql.PENDING;
    private static final String WHEN =
            "COALESCE(CAST(? AS timestamptz), clock_timestamp() + CAST(? AS bigint) * interval '1 microsecond')";
    /**
     * The job columns a worker reads, in this order. The last is the row's version: its
     * {@code xmin}, which changes with every update, so a completion can require the very row
     * version its run started from.
     */
    private static final String JOB_COLUMNS = "t.id, t.queue, t.priority, t.task, CAST(t.data AS text), t.bytes, "
            + "t.error_count, t.enqueued_at, t.schedule_at, t.expected_at, CAST(CAST(t.xmin AS text) AS bigint)";
    /**
     * Rows given as (id, version) arrays that are still exactly the version a run started from:
     * not completed, failed, rescheduled or deleted by anyone since, not even by another run of
     * the same job after this worker lost its locks with its connection.
     */
    private static final String SAME_VERSION = "t.id = u.id AND t.xmin = CAST(CAST(u.v AS text) AS xid) AND "
            + "t.finished_at IS NULL AND t.expired_at IS NULL";
    private static final String BY_VERSION = "unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS u(id, v)";

    public final Sql core;
    public final String enqueue;
    public final String lock;
    public final String recheck;
    public final String unlock;
    public final String relock;
    public final String giveBack;
    public final String check;
    public final String queueNames;
    public final String nextDue;
    public final String destroy;
    public final String finish;
    public final String expire;
    public final String reschedule;
    public final String fail;
    public final String registerWorker;
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

    public TasksSql(Sql core) {
        this.core = core;
        String t = core.qualified;

        enqueue = "WITH job AS (INSERT INTO " + t + " (queue, priority, task, data, schedule_at, expected_at) "
                + "VALUES (?, ?, ?, CAST(? AS jsonb), " + WHEN + ", " + WHEN + ") RETURNING id) "
                + "SELECT id, pg_notify(?, ?) FROM job";

        // Candidates per queue, in queue-list order, then priority, expectedAt, id; each queue read
        // from its two partial indexes. The session lock is tried on candidates in that order until
        // the wanted number is locked, so only handed-out jobs are locked. Jobs this session already
        // holds are excluded: session locks are re-entrant, so they would be locked (and run) twice.
        lock = "WITH cand AS MATERIALIZED ("
                + "SELECT j.id, q.ord, j.priority, j.expected_at FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS q(name, ord) "
                + "CROSS JOIN LATERAL ("
                + "(SELECT id, priority, expected_at FROM " + t + " WHERE queue = q.name AND schedule_at IS NULL AND "
                + PENDING + " AND priority <= ? AND id <> ALL(CAST(? AS bigint[])) ORDER BY priority, expected_at, id LIMIT ?) "
                + "UNION ALL "
                + "(SELECT id, priority, expected_at FROM " + t + " WHERE queue = q.name AND schedule_at <= statement_timestamp() AND "
                + PENDING + " AND priority <= ? AND id <> ALL(CAST(? AS bigint[])) ORDER BY priority, expected_at, id LIMIT ?) "
                + "ORDER BY priority, expected_at, id LIMIT ?) AS j "
                + "ORDER BY q.ord, j.priority, j.expected_at, j.id LIMIT ?), "
                + "locked AS (SELECT id, ord, priority, expected_at FROM cand "
                + "WHERE pg_try_advisory_lock(?, " + Sql.LOCK_KEY + ") LIMIT ?) "
                + "SELECT l.id, c.n FROM (SELECT count(*) AS n FROM cand) AS c "
                + "LEFT JOIN locked AS l ON true ORDER BY l.ord, l.priority, l.expected_at, l.id";

        // Advisory locks ignore MVCC: a job finished by another worker after the lock query's
        // snapshot can still be locked. A new statement (new snapshot) reads the locked jobs that
        // are really still pending and ready; the others are unlocked.
        recheck = "SELECT " + JOB_COLUMNS + " FROM " + t + " AS t WHERE t.id = ANY(CAST(? AS bigint[])) AND "
                + PENDING + " AND (t.schedule_at IS NULL OR t.schedule_at <= statement_timestamp())";
        // After the locker reconnected: take again the locks of jobs this process is still running.
        relock = "SELECT id FROM unnest(CAST(? AS bigint[])) AS u(id) WHERE pg_try_advisory_lock(?, "
                + Sql.LOCK_KEY + ")";
        // Before a job that waited in the buffer runs: is it still pending and ready (not deleted,
        // finished or rescheduled meanwhile), and is the locker's session, which holds its lock,
        // still alive? (pg_stat_get_activity(pid) looks at one backend; pg_locks would copy the
        // whole lock table under the lock manager's locks.)
        check = "SELECT " + JOB_COLUMNS + ", EXISTS (SELECT 1 FROM pg_stat_get_activity(?)) FROM " + t + " AS t "
                + "WHERE t.id = ANY(CAST(? AS bigint[])) AND t.finished_at IS NULL AND t.expired_at IS NULL "
                + "AND (t.schedule_at IS NULL OR t.schedule_at <= statement_timestamp())";
        // Jobs locked but not run (shutdown, a job interrupted by it): unlock them and tell the
        // other workers of their queues, who would otherwise only see them at their next poll.
        giveBack = "SELECT (SELECT count(*) FILTER (WHERE pg_advisory_unlock(?, " + Sql.LOCK_KEY + ")) "
                + "FROM unnest(CAST(? AS bigint[])) AS u(id)), "
                + "(SELECT count(pg_notify(?, q)) FROM unnest(CAST(? AS text[])) AS n(q))";
        unlock = "SELECT count(*) FILTER (WHERE pg_advisory_unlock(?, CAST((id % 4294967296) - 2147483648 AS integer))) "
                + "FROM unnest(CAST(? AS bigint[])) AS u(id)";

        // Distinct queue names with pending jobs: a loose index scan, one index probe per queue.
        queueNames = "WITH RECURSIVE q AS ("
                + "(SELECT queue FROM " + t + " WHERE " + PENDING + " AND schedule_at IS NULL ORDER BY queue LIMIT 1) "
                + "UNION ALL SELECT (SELECT queue FROM " + t + " WHERE queue > q.queue AND " + PENDING
                + " AND schedule_at IS NULL ORDER BY queue LIMIT 1) FROM q WHERE q.queue IS NOT NULL), "
                + "s AS ("
                + "(SELECT queue FROM " + t + " WHERE " + PENDING + " AND schedule_at IS NOT NULL ORDER BY queue LIMIT 1) "
                + "UNION ALL SELECT (SELECT queue FROM " + t + " WHERE queue > s.queue AND " + PENDING
                + " AND schedule_at IS NOT NULL ORDER BY queue LIMIT 1) FROM s WHERE s.queue IS NOT NULL) "
                + "SELECT queue FROM q WHERE queue IS NOT NULL UNION SELECT queue FROM s WHERE queue IS NOT NULL";
        nextDue = "SELECT EXTRACT(EPOCH FROM min(schedule_at) - clock_timestamp()) FROM " + t
                + " WHERE queue = ANY(CAST(? AS text[])) AND schedule_at > statement_timestamp() AND " + PENDING;

        // Completions and failures change only the row version their run started from, and say
        // which rows they changed: a row gone or changed means another run got there first.
        destroy = "DELETE FROM " + t + " AS t USING " + BY_VERSION + " WHERE " + SAME_VERSION + " RETURNING t.id";
        finish = "UPDATE " + t + " AS t SET finished_at = clock_timestamp() FROM " + BY_VERSION + " WHERE "
                + SAME_VERSION + " RETURNING t.id";
        expire = "UPDATE " + t + " AS t SET expired_at = clock_timestamp() FROM " + BY_VERSION + " WHERE "
                + SAME_VERSION + " RETURNING t.id";
        reschedule = "UPDATE " + t + " AS t SET schedule_at = u.at FROM unnest(CAST(? AS bigint[]), "
                + "CAST(? AS bigint[]), CAST(? AS timestamptz[])) AS u(id, v, at) WHERE " + SAME_VERSION
                + " RETURNING t.id";
        fail = "UPDATE " + t + " AS t SET error_count = t.error_count + 1, last_error_message = ?, "
                + "last_error_backtrace = ?, schedule_at = COALESCE(?, t.schedule_at), "
                + "expired_at = CASE WHEN ? THEN clock_timestamp() END FROM " + BY_VERSION + " WHERE " + SAME_VERSION
                + " RETURNING t.id";

        String w = core.workers;
        registerWorker = "INSERT INTO " + w + " (id, host, pid, backend_pid, queues, worker_count) "
                + "VALUES (?, ?, ?, ?, CAST(? AS text[]), ?) ON CONFLICT (id) DO UPDATE SET heartbeat_at = clock_timestamp()";
        heartbeat = "INSERT INTO " + w + " AS w (id, host, pid, backend_pid, queues, worker_count, jobs, processed, failed) "
                + "VALUES (?, ?, ?, ?, CAST(? AS text[]), ?, CAST(? AS jsonb), ?, ?) ON CONFLICT (id) DO UPDATE SET "
                + "heartbeat_at = clock_timestamp(), backend_pid = excluded.backend_pid, jobs = excluded.jobs, "
                + "processed = excluded.processed, failed = excluded.failed";
        addStats = "INSERT INTO " + core.stats + " AS s (name, value) VALUES ('processed', ?), ('failed', ?) "
                + "ON CONFLICT (name) DO UPDATE SET value = s.value + excluded.value";
        pruneWorkers = "DELETE FROM " + w + " WHERE heartbeat_at < clock_timestamp() - CAST(? AS bigint) * interval '1 millisecond' "
                + "OR (backend_pid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = backend_pid))";
        deregisterWorker = "DELETE FROM " + w + " WHERE id = ?";
        workers = "SELECT id, host, pid, queues, worker_count, started_at, heartbeat_at, CAST(jobs AS text), processed, failed "
                + "FROM " + w + " WHERE heartbeat_at >= clock_timestamp() - CAST(? AS bigint) * interval '1 millisecond' "
                + "AND (backend_pid IS NULL OR EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = backend_pid)) "
                + "ORDER BY started_at, id";

        // Que's job_stats: "working" counts jobs whose advisory lock is held right now.
        jobStats = "SELECT t.queue, COALESCE(t.task, ''), count(*), count(l.pid), "
                + "count(*) FILTER (WHERE t.error_count > 0), COALESCE(max(t.error_count), 0), "
                + "min(COALESCE(t.schedule_at, t.enqueued_at)) "
                + "FROM " + t + " AS t LEFT JOIN pg_locks AS l ON l.locktype = 'advisory' AND l.objsubid = 2 "
                + "AND l.classid = CAST(CAST(? AS bigint) AS oid) "
                + "AND l.objid = CAST(((t.id % 4294967296) + 2147483648) % 4294967296 AS oid) AND l.granted "
                + "WHERE t." + PENDING.replace(" AND ", " AND t.") + " GROUP BY t.queue, t.task ORDER BY t.queue, 2";

        failedJobs = "SELECT " + JOB_COLUMNS + ", t.last_error_message, t.last_error_backtrace, t.expired_at FROM "
                + t + " AS t WHERE t.expired_at IS NOT NULL AND t.finished_at IS NULL AND (CAST(? AS text) IS NULL OR t.queue = ?) "
                + "ORDER BY t.expired_at, t.id LIMIT ? OFFSET ?";
        retryFailed = "WITH r AS (UPDATE " + t + " SET expired_at = NULL, error_count = 0, schedule_at = NULL "
                + "WHERE id = ? AND expired_at IS NOT NULL RETURNING queue) SELECT count(*), "
                + "count(pg_notify(?, queue)) FROM r";
        retryAllFailed = "WITH r AS (UPDATE " + t + " SET expired_at = NULL, error_count = 0, schedule_at = NULL "
                + "WHERE expired_at IS NOT NULL AND finished_at IS NULL AND (CAST(? AS text) IS NULL OR queue = ?) "
                + "RETURNING queue), n AS (SELECT DISTINCT queue FROM r) "
                + "SELECT (SELECT count(*) FROM r), (SELECT count(pg_notify(?, queue)) FROM n)";
        deleteFailed = "DELETE FROM " + t + " WHERE id = ? AND expired_at IS NOT NULL";
        deleteAllFailed = "DELETE FROM " + t + " WHERE expired_at IS NOT NULL AND finished_at IS NULL "
                + "AND (CAST(? AS text) IS NULL OR queue = ?)";
        stats = "SELECT name, value FROM " + core.stats;
    }
}
