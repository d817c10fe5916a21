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
        return List.of(insert(1), insert(4), insert(16), insertNotify(1), insertNotify(4), batch(1), batch(4), copy(1), copy(4),
                copyIntoPqTable(1), copyIds(1), dequeueAdvisory(1),
                dequeueAdvisory(4), dequeueAdvisory(16), batchClaim(1), batchClaim(4));
    }

    /** One single-row INSERT per transaction (auto-commit), prepared once. */
    static Scenario insert(int threads) {
        return new RateScenario("raw.insert.t" + threads, "raw single-row INSERT, autocommit", "tx/s", threads) {
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
    static Scenario batch(int threads) {
        return new RateScenario("raw.batch1000.t" + threads, "raw 1,000-row INSERT ... VALUES", "rows/s", threads) {
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
    static Scenario dequeueAdvisory(int threads) {
        return new RateScenario("raw.dequeue.advisory.t" + threads, "raw advisory dequeue: lock, DELETE, unlock",
                "jobs/s", threads) {
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

    /** One {@code COPY ... FROM STDIN} of 1,000 rows per transaction (text format). */
    static Scenario copy(int threads) {
        return copy("raw.copy1000.t" + threads, "raw 1,000-row COPY FROM STDIN", BenchDb.RAW_TABLE, threads);
    }

    /**
     * The same COPY into pq's own table (its 19 columns, 7 indexes, defaults and check): what the
     * table alone costs a batch insert, apart from any statement of pq's.
     */
    static Scenario copyIntoPqTable(int threads) {
        return copy("raw.copyPqTable1000.t" + threads, "raw 1,000-row COPY into pq's own table", BenchDb.TABLE, threads);
    }

    private static Scenario copy(String id, String title, String table, int threads) {
        return new RateScenario(id, title, "rows/s", threads) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) throws Exception {
                Connection c = db.connect();
                org.postgresql.copy.CopyManager copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < BATCH; i++) {
                    text.append(QUEUE).append('\t').append(BenchDb.PAYLOAD).append('\n');
                }
                byte[] bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                String sql = "COPY " + table + " (queue, data) FROM STDIN";
                return new RateRunner.Loop() {
                    @Override
                    public long step() throws Exception {
                        return copy.copyIn(sql, new java.io.ByteArrayInputStream(bytes));
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
     * Two-phase batches like a worker (shared/bench's {@code dequeue_batch_claim.sql}): claim up
     * to 100 ready jobs ({@code UPDATE ... SET locked_by} over {@code FOR UPDATE SKIP LOCKED},
     * commit), then complete them with one {@code DELETE} (second commit).
     */
    static Scenario batchClaim(int threads) {
        return new RateScenario("raw.claim100.t" + threads, "raw batch of 100: claim (SKIP LOCKED), then DELETE",
                "jobs/s", threads) {
            @Override
            void before(BenchDb db, BenchConfig config) throws Exception {
                db.refill(BenchDb.RAW_TABLE, QUEUE, config.prefill() * 5); // ~80,000 jobs/s: more to take
            }

            @Override
            RateRunner.Loop loop(BenchDb db, int thread) throws Exception {
                Connection c = db.connect();
                PreparedStatement claim = c.prepareStatement("UPDATE " + BenchDb.RAW_TABLE
                        + " SET locked_by = ? WHERE id IN (SELECT id FROM " + BenchDb.RAW_TABLE
                        + " WHERE queue = ? AND schedule_at IS NULL AND locked_by IS NULL ORDER BY expected_at, id "
                        + "LIMIT 100 FOR UPDATE SKIP LOCKED) RETURNING id, data");
                claim.setInt(1, thread + 1);
                claim.setString(2, QUEUE);
                PreparedStatement delete = c.prepareStatement("DELETE FROM " + BenchDb.RAW_TABLE + " WHERE locked_by = ?");
                delete.setInt(1, thread + 1);
                return new RateRunner.Loop() {
                    @Override
                    public long step() throws Exception {
                        int n = 0;
                        try (ResultSet rs = claim.executeQuery()) {
                            while (rs.next()) {
                                rs.getString(2);
                                n++;
                            }
                        }
                        if (n == 0) {
                            return -1;
                        }
                        delete.executeUpdate();
                        return n;
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
     * The single-row INSERT with a {@code pg_notify} in the same statement, as pq's put does: a
     * committing transaction that has notified holds PostgreSQL's one notify-queue lock until its
     * commit is flushed, so concurrent notifying commits cannot share a WAL flush.
     */
    static Scenario insertNotify(int threads) {
        return new RateScenario("raw.insertNotify.t" + threads, "raw single-row INSERT + pg_notify, autocommit",
                "tx/s", threads) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) throws Exception {
                Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("WITH j AS (INSERT INTO " + BenchDb.RAW_TABLE
                        + " (queue, data) VALUES (?, CAST(? AS jsonb)) RETURNING id) SELECT id, pg_notify('raw_bench', ?) FROM j");
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

    /**
     * What a COPY-based putAll would have to do to return the ids in order: take 1,000 ids from
     * the sequence, COPY the rows with them, notify, commit (one transaction, four round trips).
     */
    static Scenario copyIds(int threads) {
        return new RateScenario("raw.copyIds1000.t" + threads, "raw 1,000 ids + COPY + notify, one tx", "rows/s", threads) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) throws Exception {
                Connection c = db.connect();
                c.setAutoCommit(false);
                org.postgresql.copy.CopyManager copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
                PreparedStatement ids = c.prepareStatement("SELECT nextval('" + BenchDb.RAW_TABLE
                        + "_id_seq') FROM generate_series(1, ?)");
                ids.setInt(1, BATCH);
                PreparedStatement notify = c.prepareStatement("SELECT pg_notify('raw_bench', ?)");
                notify.setString(1, QUEUE);
                String sql = "COPY " + BenchDb.RAW_TABLE + " (id, queue, data) FROM STDIN";
                return new RateRunner.Loop() {
                    @Override
                    public long step() throws Exception {
                        StringBuilder text = new StringBuilder(BATCH * 64);
                        try (ResultSet rs = ids.executeQuery()) {
                            while (rs.next()) {
                                text.append(rs.getLong(1)).append('\t').append(QUEUE).append('\t')
                                        .append(BenchDb.PAYLOAD).append('\n');
                            }
                        }
                        long n = copy.copyIn(sql, new java.io.ByteArrayInputStream(
                                text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                        notify.executeQuery().close();
                        c.commit();
                        return n;
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
