package dev.pq.bench;

import dev.pq.PQ;
import dev.pq.Queue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep queue: the latency of one {@code queue.poll()} (lock, delete, return the next ready job in
 * one statement) on a table holding 1,000,000 jobs, 90% of them scheduled in the future, against
 * the same call on a table holding nothing but the job it takes. Each step puts one job (not
 * timed) and times one poll, so both tables keep their size. The deep table is built once per
 * run ({@value #DEEP_TABLE}) and its dequeue plan recorded: it must read the partial indexes,
 * never scan the table.
 */
final class DeepScenarios {
    static final String QUEUE = "deep";
    static final String DEEP_TABLE = "deep";
    static final String EMPTY_TABLE = "shallow";

    private DeepScenarios() {
    }

    static List<Scenario> all() {
        return List.of(poll("pq.deep.empty", "poll latency, table otherwise empty", EMPTY_TABLE, 0),
                poll("pq.deep.1m", "poll latency, 1M rows (90% scheduled later)", DEEP_TABLE, deepRows()));
    }

    static int deepRows() {
        return BenchConfig.integer("deepRows", 1_000_000);
    }

    static Scenario poll(String id, String title, String table, int rows) {
        return new Scenario() {
            private PQ pq;
            private Queue<Object> queue;
            private boolean built;
            private String plan;

            @Override
            public String id() {
                return id;
            }

            @Override
            public String title() {
                return title;
            }

            @Override
            public String unit() {
                return "ms p50";
            }

            @Override
            public int threads() {
                return 1;
            }

            @Override
            public void setUp(BenchDb db) throws Exception {
                pq = db.pq(3, table);
                if (!built) {
                    pq.migrate();
                    build(db);
                    built = true;
                }
                queue = pq.queue(QUEUE);
            }

            private void build(BenchDb db) throws Exception {
                String t = BenchDb.SCHEMA + "." + table;
                db.execute("TRUNCATE " + t);
                if (rows > 0) {
                    // 10% ready now, 90% due between 1 and 2 days from now.
                    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + t
                            + " (queue, data, schedule_at) SELECT ?, jsonb_build_object('user_id', g, 'action', 'send_email'), "
                            + "CASE WHEN g % 10 = 0 THEN NULL ELSE now() + interval '1 day' + g * interval '50 ms' END "
                            + "FROM generate_series(1, ?) AS g")) {
                        ps.setString(1, QUEUE);
                        ps.setInt(2, rows);
                        ps.executeUpdate();
                    }
                }
                db.execute("VACUUM ANALYZE " + t);
                if (rows > 0) {
                    plan = explain(db); // (an empty table is read by a sequential scan, rightly)
                }
            }

            /** The dequeue's plan on this table (bound parameters, as pq runs it). */
            private String explain(BenchDb db) throws Exception {
                dev.pq.internal.Sql sql = dev.pq.internal.Internals.engine(pq).sql();
                try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                        "EXPLAIN (COSTS OFF) " + sql.dequeue(dev.pq.internal.Sql.DEFAULT_CANDIDATES))) {
                    ps.setString(1, QUEUE);
                    ps.setString(2, QUEUE);
                    ps.setInt(3, sql.lockClass);
                    ps.setString(4, QUEUE);
                    StringBuilder out = new StringBuilder();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.append(rs.getString(1)).append('\n');
                        }
                    }
                    return out.toString();
                }
            }

            @Override
            public Run run(BenchDb db, BenchConfig config, Duration length) throws Exception {
                long t0 = System.nanoTime();
                long[] lat = Latencies.putThenPoll(queue, t0 + length.toNanos(), id);
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> more = new LinkedHashMap<>();
                more.put("rows", rows);
                if (plan != null) {
                    more.put("seqScan", plan.contains("Seq Scan"));
                    more.put("plan", plan);
                }
                return Latencies.run(lat, seconds, more);
            }

            @Override
            public void tearDown() {
                if (pq != null) {
                    pq.close();
                }
            }
        };
    }
}
