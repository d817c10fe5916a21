package dev.pq.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The physical limit: the same work as pq's hot paths in plain JDBC, with no library, on a table
 * of the same shape as pq's ({@link BenchDb#RAW_TABLE}). Each thread has its own connection and
 * prepared statements.
 */
final class RawScenarios {
    static final String QUEUE = "raw";
    static final int BATCH = 1_000;
    /** The first key of the raw dequeue's advisory locks (pq uses a CRC32 of its table's name). */
    private static final int LOCK_CLASS = 0x7261_7700; // "raw\0"

    private RawScenarios() {
    }

    static List<Scenario> all() {
        return List.of(insert(), batch(), dequeueAdvisory());
    }

    /** One single-row INSERT per transaction (auto-commit), prepared once. */
    static Scenario insert() {
        return new RateScenario("raw.insert.t1", "raw single-row INSERT, autocommit", "tx/s", 1) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) throws Exception {
                Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + BenchDb.RAW_TABLE + " (queue, data) VALUES (?, CAST(? AS jsonb))");
                return new RateRunner.Loop() {
                    @Override
                    public long step() throws Exception {
                        ps.setString(1, QUEUE);
                        ps.setString(2, BenchDb.PAYLOAD);
                        ps.executeUpdate();
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

    /** One multi-row INSERT ... VALUES of 1,000 rows per transaction, prepared once. */
    static Scenario batch() {
        return new RateScenario("raw.batch1000.t1", "raw 1,000-row INSERT ... VALUES", "rows/s", 1) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) throws Exception {
                StringBuilder sql = new StringBuilder("INSERT INTO " + BenchDb.RAW_TABLE + " (queue, data) VALUES ");
                for (int i = 0; i < BATCH; i++) {
                    sql.append(i == 0 ? "" : ", ").append("(?, CAST(? AS jsonb))");
                }
                Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(sql.toString());
                return new RateRunner.Loop() {
                    @Override
                    public long step() throws Exception {
                        for (int i = 0; i < BATCH; i++) {
                            ps.setString(2 * i + 1, QUEUE);
                            ps.setString(2 * i + 2, BenchDb.PAYLOAD);
                        }
                        return ps.executeUpdate();
                    }

                    @Override
                    public void close() throws SQLException {
                        c.close();
                    }
                };
            }
        };
    }

    /**
     * Que's dequeue: walk the ready index with a recursive CTE, taking a session advisory lock on
     * each candidate until one succeeds; then DELETE (auto-commit) and unlock: three round trips.
     * A job deleted by another client after the walk (advisory locks ignore MVCC) is re-checked by
     * the DELETE's row count and skipped.
     */
    static Scenario dequeueAdvisory() {
        return new RateScenario("raw.dequeue.advisory.t1", "raw advisory dequeue: lock, DELETE, unlock",
                "jobs/s", 1) {
            @Override
            void before(BenchDb db, BenchConfig config) throws Exception {
                db.refill(BenchDb.RAW_TABLE, QUEUE, config.prefill());
            }

            @Override
            RateRunner.Loop loop(BenchDb db, int thread) throws Exception {
                String key = "?, CAST(((t).id % 4294967296) - 2147483648 AS integer)";
                String next = "SELECT t FROM " + BenchDb.RAW_TABLE + " AS t WHERE queue = ? AND schedule_at IS NULL "
                        + "AND expected_at IS NULL %s ORDER BY expected_at, id LIMIT 1";
                Connection c = db.connect();
                PreparedStatement lock = c.prepareStatement("WITH RECURSIVE j AS ("
                        + "SELECT (t).id, pg_try_advisory_lock(" + key + ") AS locked "
                        + "FROM (" + String.format(next, "") + ") AS t1 "
                        + "UNION ALL ("
                        + "SELECT (t).id, pg_try_advisory_lock(" + key + ") AS locked "
                        + "FROM (SELECT (" + String.format(next, "AND id > j.id") + ") AS t "
                        + "FROM j WHERE j.id IS NOT NULL LIMIT 1) AS t1)) "
                        + "SELECT id FROM j WHERE locked LIMIT 1");
                lock.setInt(1, LOCK_CLASS);
                lock.setString(2, QUEUE);
                lock.setInt(3, LOCK_CLASS);
                lock.setString(4, QUEUE);
                PreparedStatement delete = c.prepareStatement("DELETE FROM " + BenchDb.RAW_TABLE + " WHERE id = ?");
                PreparedStatement unlock = c.prepareStatement(
                        "SELECT pg_advisory_unlock(?, CAST((CAST(? AS bigint) % 4294967296) - 2147483648 AS integer))");
                unlock.setInt(1, LOCK_CLASS);
                return new RateRunner.Loop() {
                    @Override
                    public long step() throws Exception {
                        while (true) {
                            long id;
                            try (ResultSet rs = lock.executeQuery()) {
                                if (!rs.next()) {
                                    return -1; // no ready job left
                                }
                                id = rs.getLong(1);
                            }
                            delete.setLong(1, id);
                            int deleted = delete.executeUpdate();
                            unlock.setLong(2, id);
                            unlock.executeQuery().close();
                            if (deleted == 1) {
                                return 1;
                            }
                            // another client deleted it between its snapshot and our lock: next one
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
