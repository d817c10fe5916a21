package dev.pq.bench;

import dev.pq.PQ;
import dev.pq.internal.Internals;
import dev.pq.internal.Sql;
import dev.pq.tasks.internal.TasksSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The big tables of issue 13 (item 4): pq tables of {@link #rows()} jobs in the schema
 * {@value #SCHEMA}, which the harness keeps between runs (it drops only {@code pq_bench}), since a
 * 10M-row build takes minutes. A table is reused when its comment names the same variant and row
 * count, its exact row count matches and its future rows are still in the future; else it is
 * emptied and built again in one {@code INSERT ... SELECT generate_series}, then vacuumed and
 * analyzed (so index-only plans and the visibility map work). Variants:
 * <ul>
 * <li>{@code future}: 90% of the rows are jobs of the measured queue scheduled 1 to 2.2 days from now;
 * <li>{@code history}: 90% are jobs of the measured queue done in the last 19.4 hours (inside a
 * worker's default retention): kept history (finished, half of them
 * pq-core kept gets with {@code dequeued_at}) and failed ones (one in nine, {@code failed_at} set);
 * <li>{@code empty}: no rows, the baseline.
 * </ul>
 * In both big variants the other 10% are ready jobs of another queue (a backlog elsewhere in the
 * table), so the measured queue holds only what a scenario puts in it.
 */
final class BigTables {
    static final String SCHEMA = "pq_bench_big";
    static final String QUEUE = "deep";
    static final String OTHER = "other";
    static final String TASK = "bench.big";

    private BigTables() {
    }

    static int rows() {
        return BenchConfig.integer("bigRows", 10_000_000);
    }

    static String table(String variant) {
        return "big_" + variant;
    }

    static String qualified(String variant) {
        return SCHEMA + "." + table(variant);
    }

    static PQ pq(BenchDb db, String variant, int poolSize) {
        return PQ.builder().url(db.url).schema(SCHEMA).table(table(variant)).poolSize(poolSize).build();
    }

    /** Migrates, then reuses or builds the variant's table; returns what was done, for the output. */
    static String prepare(BenchDb db, String variant) throws SQLException {
        int rows = "empty".equals(variant) ? 0 : rows();
        db.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
        try (PQ pq = pq(db, variant, 2)) {
            pq.migrate();
        }
        String t = qualified(variant);
        String mark = "pq-bench big table: variant=" + variant + " rows=" + rows;
        // what a run that ended early may have left in the measured queue (its ready jobs)
        db.execute("DELETE FROM " + t + " WHERE queue = '" + QUEUE + "' AND " + Sql.PENDING
                + " AND (schedule_at IS NULL OR schedule_at <= now() + interval '1 hour')");
        String comment;
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT obj_description(CAST('" + t + "' AS regclass), 'pg_class')")) {
            rs.next();
            comment = rs.getString(1);
        }
        if (mark.equals(comment) && fresh(db, t, variant) && db.count("SELECT count(*) FROM " + t) == rows) {
            db.execute("VACUUM ANALYZE " + t);
            return t + ": reused (" + String.format("%,d", rows) + " rows, variant " + variant + ")";
        }
        long t0 = System.nanoTime();
        db.execute("TRUNCATE " + t);
        if (rows > 0) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(insert(t, variant))) {
                ps.setInt(1, rows);
                if ("history".equals(variant)) {
                    ps.setInt(2, rows);
                }
                ps.executeUpdate();
            }
        }
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET maintenance_work_mem = '256MB'");
            st.execute("VACUUM ANALYZE " + t);
            st.execute("COMMENT ON TABLE " + t + " IS '" + mark + "'");
        }
        return String.format("%s: built (%,d rows, variant %s) in %.0f s", t, rows, variant, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * True while the built rows still are what the variant says: the future rows at least an hour
     * ahead, the history rows younger than a worker's default retention (1 day) by an hour.
     */
    private static boolean fresh(BenchDb db, String t, String variant) throws SQLException {
        String q = switch (variant) {
            case "future" -> "SELECT count(*) FROM (SELECT min(schedule_at) AS m FROM " + t + " WHERE queue = '" + QUEUE
                    + "' AND schedule_at IS NOT NULL AND " + Sql.PENDING + ") AS s WHERE m > now() + interval '1 hour'";
            case "history" -> "SELECT count(*) FROM (SELECT min(finished_at) AS m FROM " + t + " WHERE queue = '" + QUEUE
                    + "' AND finished_at IS NOT NULL) AS s WHERE m > now() - interval '23 hours'";
            default -> "SELECT 1";
        };
        return db.count(q) == 1;
    }

    /** The one INSERT ... SELECT of a variant (parameters: the row count, for history twice). */
    private static String insert(String t, String variant) {
        String base = "INSERT INTO " + t + " (queue, task, data, enqueued_at, schedule_at, finished_at, dequeued_at, "
                + "failed_at, error_count, last_error_message) SELECT CASE WHEN g % 10 = 0 THEN '" + OTHER + "' ELSE '"
                + QUEUE + "' END, '" + TASK + "', jsonb_build_object('user_id', g, 'action', 'send_email'), ";
        if ("future".equals(variant)) {
            return base + "now(), CASE WHEN g % 10 = 0 THEN NULL ELSE now() + interval '1 day' + g * interval '10 ms' END, "
                    + "NULL, NULL, NULL, 0, NULL FROM generate_series(1, ?) AS g";
        }
        // history: done in the last 19.4 hours (inside a Worker's default retention of finished jobs,
        // 1 day, so the worker drain does not prune them); g % 10 = 1 failed, 2..5 pq-core kept gets,
        // 6..9 finished tasks
        return base + "e, NULL, CASE WHEN g % 10 > 1 THEN e + interval '1 s' END, "
                + "CASE WHEN g % 10 BETWEEN 2 AND 5 THEN e + interval '1 s' END, "
                + "CASE WHEN g % 10 = 1 THEN e + interval '1 s' END, CASE WHEN g % 10 = 1 THEN 25 ELSE 0 END, "
                + "CASE WHEN g % 10 = 1 THEN 'boom' END "
                + "FROM (SELECT g, now() - interval '70000 s' + g * (interval '70000 s' / ?) AS e FROM generate_series(1, ?) AS g) AS s";
    }

    /**
     * EXPLAIN (ANALYZE, BUFFERS) of the dequeue statements on this table, each in a transaction
     * rolled back: pq-core's dequeue with one ready job, the same with none (so {@code next_in}'s
     * {@code min(schedule_at)} runs), and pq-tasks' lock statement with one ready job.
     */
    static Map<String, String> plans(BenchDb db, PQ pq) throws SQLException {
        Sql sql = Internals.engine(pq).sql();
        TasksSql tasks = new TasksSql(sql);
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO " + sql.qualified + " (queue, task, data) VALUES ('" + QUEUE + "', '" + TASK
                        + "', CAST('[]' AS jsonb))");
            }
            out.put("lock", explainLock(c, sql, tasks));
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_unlock_all()");
            }
            out.put("dequeue", explainDequeue(c, sql));
            c.rollback();
            out.put("dequeueNone", explainDequeue(c, sql));
            c.rollback();
        }
        return out;
    }

    private static String explainDequeue(Connection c, Sql sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql.dequeue(Sql.DEFAULT_CANDIDATES))) {
            ps.setString(1, QUEUE);
            ps.setString(2, QUEUE);
            ps.setInt(3, sql.lockClass);
            ps.setString(4, QUEUE);
            return text(ps);
        }
    }

    private static String explainLock(Connection c, Sql sql, TasksSql tasks) throws SQLException {
        // Both statements of the lock round, each explained, in one message as the locker sends
        // them: the EXPLAIN ANALYZE of the first takes the locks and leaves the ids to the second.
        String both = tasks.lockParts.stream().map(p -> "EXPLAIN (ANALYZE, BUFFERS) " + p)
                .collect(java.util.stream.Collectors.joining(";\n"));
        try (PreparedStatement ps = c.prepareStatement(both)) {
            bindLock(c, ps, sql, 16, 1);
            return text(ps);
        }
    }

    /** Binds pq-tasks' lock statement as the worker's locker does, for the measured queue. */
    static void bindLock(Connection c, PreparedStatement ps, Sql sql, int candidates, int want) throws SQLException {
        java.sql.Array none = c.createArrayOf("bigint", new Object[0]);
        ps.setArray(1, c.createArrayOf("text", new Object[] {QUEUE}));
        ps.setInt(2, Short.MAX_VALUE);
        ps.setArray(3, none);
        ps.setInt(4, candidates);
        ps.setInt(5, Short.MAX_VALUE);
        ps.setArray(6, none);
        ps.setInt(7, candidates);
        ps.setInt(8, candidates);
        ps.setInt(9, candidates);
        ps.setInt(10, sql.lockClass);
        ps.setInt(11, want);
    }

    /** The first column of every row of every result the statement returns (one per EXPLAIN). */
    private static String text(PreparedStatement ps) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (boolean more = ps.execute(); more; more = ps.getMoreResults()) {
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static final Pattern BUFFERS = Pattern.compile("Buffers: shared(?: hit=(\\d+))?(?: read=(\\d+))?");
    private static final Pattern SORT = Pattern.compile("(?m)^\\s*(?:->\\s+)?Sort \\(.*actual time=[0-9.]+\\.\\.[0-9.]+ rows=(\\d+)");
    private static final Pattern ROWS = Pattern.compile("actual time=[0-9.]+\\.\\.[0-9.]+ rows=(\\d+) loops=(\\d+)");

    /**
     * What to check in a plan: a sequential scan, a sort, the buffers of the top node (they
     * include its children's) and the most rows any node produced (scanning past the future rows
     * would show as a node with millions).
     */
    static Map<String, Object> check(String plan) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seqScan", plan.contains("Seq Scan"));
        long sorted = 0; // the most rows any Sort node returned (a big sort would show here)
        Matcher sort = SORT.matcher(plan);
        while (sort.find()) {
            sorted = Math.max(sorted, Long.parseLong(sort.group(1)));
        }
        out.put("maxSortRows", sorted);
        Matcher b = BUFFERS.matcher(plan);
        long buffers = 0;
        if (b.find()) {
            buffers = (b.group(1) == null ? 0 : Long.parseLong(b.group(1))) + (b.group(2) == null ? 0 : Long.parseLong(b.group(2)));
        }
        out.put("buffers", buffers);
        long most = 0;
        Matcher r = ROWS.matcher(plan);
        while (r.find()) {
            most = Math.max(most, Long.parseLong(r.group(1)) * Long.parseLong(r.group(2)));
        }
        out.put("maxNodeRows", most);
        Matcher ms = Pattern.compile("Execution Time: ([0-9.]+) ms").matcher(plan);
        out.put("executionMs", ms.find() ? Double.parseDouble(ms.group(1)) : -1);
        return out;
    }
}
