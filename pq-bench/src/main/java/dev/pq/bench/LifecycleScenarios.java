package dev.pq.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The decision behind pq's job lifecycle, measured: states derived from timestamp columns (pq's
 * schema: a job is pending while {@code finished_at} and {@code failed_at} are null) against an
 * explicit {@code state} column (River's and Oban's design), on two tables of pq's shape that differ
 * only in that. Each runs pq's hot paths in plain JDBC: the put (INSERT + NOTIFY), and the
 * dequeue of pq-core (candidates from the partial ready index, a transaction-scoped advisory lock,
 * DELETE re-checking the pending condition) over a prefilled table; plus the finish that keeps
 * history (an UPDATE of the state instead of a DELETE).
 */
final class LifecycleScenarios {
    private static final String QUEUE = "life";
    private static final int LOCK_CLASS = 0x6c69_6665; // "life"

    /** One of the two schemas. */
    private record Variant(String name, String table, String pending, String finish, String columns) {
    }

    private static final Variant DERIVED = new Variant("derived", BenchDb.SCHEMA + ".life_derived",
            "finished_at IS NULL AND failed_at IS NULL", "finished_at = clock_timestamp()",
            "finished_at timestamptz, failed_at timestamptz");
    private static final Variant STATE = new Variant("state", BenchDb.SCHEMA + ".life_state", "state = 0",
            "state = 1, finished_at = clock_timestamp()",
            "state smallint NOT NULL DEFAULT 0, finished_at timestamptz, failed_at timestamptz");

    private LifecycleScenarios() {
    }

    static List<Scenario> all() {
        return List.of(put(DERIVED, 1), put(STATE, 1), put(DERIVED, 4), put(STATE, 4), dequeue(DERIVED, 4, false),
                dequeue(STATE, 4, false), dequeue(DERIVED, 4, true), dequeue(STATE, 4, true));
    }

    private static void create(BenchDb db, Variant v) throws SQLException {
        db.execute("DROP TABLE IF EXISTS " + v.table(), "CREATE TABLE " + v.table()
                        + " (id bigserial PRIMARY KEY, queue text NOT NULL, priority smallint NOT NULL DEFAULT 100, "
                        + "enqueued_at timestamptz NOT NULL DEFAULT clock_timestamp(), schedule_at timestamptz, "
                        + "expected_at timestamptz, task text, data jsonb, bytes bytea, error_count integer NOT NULL "
                        + "DEFAULT 0, last_error_message text, last_error_backtrace text, " + v.columns()
                        + ") WITH (fillfactor = 90)",
                "CREATE INDEX ON " + v.table() + " (queue, priority, expected_at, id) WHERE schedule_at IS NULL AND "
                        + v.pending(),
                "CREATE INDEX ON " + v.table() + " (queue, schedule_at) WHERE schedule_at IS NOT NULL AND " + v.pending());
    }

    private static Scenario put(Variant v, int threads) {
        return new RateScenario("life." + v.name() + ".put.t" + threads, "lifecycle " + v.name() + ": put", "jobs/s",
                threads) {
            @Override
            void before(BenchDb db, BenchConfig config) throws Exception {
                create(db, v);
            }

            @Override
            RateRunner.Loop loop(BenchDb db, int thread) throws Exception {
                Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("WITH job AS (INSERT INTO " + v.table()
                        + " (queue, data) VALUES (?, CAST(? AS jsonb)) RETURNING id) SELECT id, pg_notify('life', ?) FROM job");
                return new RateRunner.Loop() {
                    @Override
                    public long step() throws Exception {
                        ps.setString(1, QUEUE);
                        ps.setString(2, BenchDb.PAYLOAD);
                        ps.setString(3, QUEUE);
                        ps.executeQuery().close();
                        return 1;
                    }

                    @Override
                    public void close() throws SQLException {
                        c.close();
                    }
                };
            }
        };
    }

    private static Scenario dequeue(Variant v, int threads, boolean keep) {
        String what = keep ? "finish (keep history)" : "dequeue (delete)";
        return new RateScenario("life." + v.name() + (keep ? ".finish" : ".dequeue") + ".t" + threads,
                "lifecycle " + v.name() + ": " + what, "jobs/s", threads) {
            @Override
            void before(BenchDb db, BenchConfig config) throws Exception {
                create(db, v);
                db.execute("INSERT INTO " + v.table() + " (queue, data) SELECT '" + QUEUE + "', jsonb_build_object('n', g) "
                        + "FROM generate_series(1, " + config.prefill() + ") AS g", "VACUUM ANALYZE " + v.table());
            }

            @Override
            RateRunner.Loop loop(BenchDb db, int thread) throws Exception {
                Connection c = db.connect();
                String take = keep ? "UPDATE " + v.table() + " SET " + v.finish() + " WHERE id = (SELECT id FROM pick) AND "
                        + v.pending() + " RETURNING id" : "DELETE FROM " + v.table() + " WHERE id = (SELECT id FROM pick) AND "
                        + v.pending() + " RETURNING id";
                PreparedStatement ps = c.prepareStatement("WITH cand AS MATERIALIZED (SELECT id FROM " + v.table()
                        + " WHERE queue = ? AND schedule_at IS NULL AND " + v.pending()
                        + " ORDER BY priority, expected_at, id LIMIT 8), "
                        + "pick AS (SELECT id FROM cand WHERE pg_try_advisory_xact_lock(?, "
                        + "CAST((id % 4294967296) - 2147483648 AS integer)) LIMIT 1), job AS (" + take + ") "
                        + "SELECT count(*) FROM job");
                return new RateRunner.Loop() {
                    @Override
                    public long step() throws Exception {
                        ps.setString(1, QUEUE);
                        ps.setInt(2, LOCK_CLASS);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }

                    @Override
                    public void close() throws SQLException {
                        c.close();
                    }
                };
            }
        };
    }
}
