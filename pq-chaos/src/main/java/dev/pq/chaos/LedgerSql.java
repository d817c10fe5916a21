package dev.pq.chaos;

/**
 * Every SQL statement of the ledger, in the schema {@code ledger} of the chaos database. No
 * unique constraint on runs or effects: the point is to count doubles, not to prevent them.
 */
final class LedgerSql {
    private LedgerSql() {
    }

    /** pq's table (the default {@code public.queue}) and its registry. */
    static final String QUEUE = "public.queue";
    static final String WORKERS = "public.queue_workers";
    static final String PENDING = "finished_at IS NULL AND failed_at IS NULL";

    static final String DDL = """
            CREATE SCHEMA ledger;
            CREATE TABLE ledger.jobs (n bigint PRIMARY KEY, job_id bigint NOT NULL, sleep_ms integer NOT NULL,
                enqueued_at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE TABLE ledger.runs (n bigint NOT NULL, job_id bigint NOT NULL, pid bigint NOT NULL,
                worker text NOT NULL, thread text NOT NULL, attempt integer NOT NULL,
                started_at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE INDEX runs_n ON ledger.runs (n);
            CREATE TABLE ledger.effects (n bigint NOT NULL, job_id bigint NOT NULL, pid bigint NOT NULL,
                worker text NOT NULL, thread text NOT NULL, committed_at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE INDEX effects_n ON ledger.effects (n);
            CREATE INDEX effects_worker ON ledger.effects (worker, committed_at);
            CREATE TABLE ledger.processes (label text NOT NULL, pid bigint NOT NULL,
                ready_at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE TABLE ledger.heap (label text NOT NULL, pid bigint NOT NULL,
                sampled_at timestamptz NOT NULL DEFAULT clock_timestamp(), used_bytes bigint NOT NULL)
            """;

    static final String RESET = "TRUNCATE ledger.jobs, ledger.runs, ledger.effects, ledger.processes, ledger.heap, "
            + QUEUE + ", " + WORKERS + ", public.queue_stats RESTART IDENTITY";

    // Written by the producer, in the enqueue's transaction.
    static final String INSERT_JOB = "INSERT INTO ledger.jobs (n, job_id, sleep_ms) VALUES (?, ?, ?)";
    static final String JOB_EXISTS = "SELECT count(*) FROM ledger.jobs WHERE n = ?";

    // Written by the worker processes.
    static final String INSERT_RUN = "INSERT INTO ledger.runs (n, job_id, pid, worker, thread, attempt) "
            + "VALUES (?, ?, ?, ?, ?, ?)";
    static final String INSERT_EFFECT = "INSERT INTO ledger.effects (n, job_id, pid, worker, thread) VALUES (?, ?, ?, ?, ?)";
    static final String INSERT_PROCESS = "INSERT INTO ledger.processes (label, pid) VALUES (?, ?)";
    static final String INSERT_HEAP = "INSERT INTO ledger.heap (label, pid, used_bytes) VALUES (?, ?, ?)";

    // Read by the harness.
    static final String READY_AT = "SELECT max(ready_at) FROM ledger.processes WHERE label = ?";
    static final String REMAINING = "SELECT count(*) FROM ledger.jobs j WHERE NOT EXISTS "
            + "(SELECT 1 FROM ledger.effects e WHERE e.n = j.n)";
    static final String FIGURES = "SELECT "
            + "(SELECT count(*) FROM ledger.jobs), "
            + "(SELECT count(DISTINCT n) FROM ledger.effects), "
            + "(SELECT count(*) FROM ledger.effects e WHERE NOT EXISTS (SELECT 1 FROM ledger.jobs j WHERE j.n = e.n)), "
            + "(SELECT COALESCE(sum(c - 1), 0) FROM (SELECT count(*) AS c FROM ledger.runs GROUP BY n HAVING count(*) > 1) r), "
            + "(SELECT count(*) FROM (SELECT n FROM ledger.effects GROUP BY n HAVING count(*) > 1) d), "
            + "(SELECT count(*) FROM ledger.runs)";
    /** The jobs without an effect, by what the queue says about them. */
    static final String UNFINISHED = "SELECT "
            + "count(*) FILTER (WHERE q.id IS NOT NULL AND q.failed_at IS NULL AND q.finished_at IS NULL), "
            + "count(*) FILTER (WHERE q.failed_at IS NOT NULL), "
            + "count(*) FILTER (WHERE q.id IS NULL) "
            + "FROM ledger.jobs j LEFT JOIN " + QUEUE + " q ON q.id = j.job_id "
            + "WHERE NOT EXISTS (SELECT 1 FROM ledger.effects e WHERE e.n = j.n)";
    static final String FAILED_IN_QUEUE = "SELECT count(*) FROM " + QUEUE + " WHERE failed_at IS NOT NULL";
    static final String REPEATED_RUNS = "SELECT r.n, r.started_at, r.worker, "
            + "(SELECT count(*) FROM ledger.effects e WHERE e.n = r.n), r.thread, r.attempt, r.job_id FROM ledger.runs r "
            + "WHERE r.n IN (SELECT n FROM ledger.runs GROUP BY n HAVING count(*) > 1) ORDER BY r.n, r.started_at";
    static final String DOUBLE_EFFECTS = "SELECT e.n, e.committed_at, e.worker, e.thread FROM ledger.effects e "
            + "WHERE e.n IN (SELECT n FROM ledger.effects GROUP BY n HAVING count(*) > 1) ORDER BY e.n, e.committed_at "
            + "LIMIT 60";
    static final String LAST_ERRORS = "SELECT id, error_count, last_error_message FROM " + QUEUE
            + " WHERE error_count > 0 ORDER BY error_count DESC, id LIMIT 5";

    // Recovery: per worker process, the first effect after a moment.
    static final String FIRST_EFFECT_AFTER = "SELECT min(committed_at) FROM ledger.effects WHERE worker = ? "
            + "AND committed_at > ?";
    /** Jobs enqueued before a moment and not yet done by then: work was available at that moment. */
    static final String OPEN_AT = "SELECT count(*) FROM ledger.jobs j WHERE j.enqueued_at < ? AND NOT EXISTS "
            + "(SELECT 1 FROM ledger.effects e WHERE e.n = j.n AND e.committed_at < ?)";
    static final String FIRST_ENQUEUED_AFTER = "SELECT min(enqueued_at) FROM ledger.jobs WHERE enqueued_at >= ?";

    // Rates and latencies over a window.
    static final String EFFECTS_BETWEEN = "SELECT count(*) FROM ledger.effects WHERE committed_at >= ? AND committed_at < ?";
    static final String EFFECT_SPAN = "SELECT min(committed_at), max(committed_at), count(*) FROM ledger.effects";
    /** enqueue → start of the first run, for jobs enqueued in a window: p50, p99, max in ms. */
    static final String LATENCY = "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), "
            + "percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), max(ms), count(*) FROM ("
            + "SELECT EXTRACT(EPOCH FROM (min(r.started_at) - j.enqueued_at)) * 1000 AS ms FROM ledger.jobs j "
            + "JOIN ledger.runs r ON r.n = j.n WHERE j.enqueued_at >= ? AND j.enqueued_at < ? GROUP BY j.n, j.enqueued_at) x";
    /** Completions per worker per whole second (epoch seconds). */
    static final String PER_SECOND = "SELECT worker, floor(EXTRACT(EPOCH FROM committed_at))::bigint, count(*) "
            + "FROM ledger.effects GROUP BY 1, 2";
    static final String HEAP = "SELECT label, pid, sampled_at, used_bytes FROM ledger.heap ORDER BY sampled_at";
}
