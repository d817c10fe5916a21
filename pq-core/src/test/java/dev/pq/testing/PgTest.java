package dev.pq.testing;

import dev.pq.PQ;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of tests that need a migrated queue table: each test gets a schema of its own, a
 * {@link PQ} over a small pool on it ({@link #pq}), and the schema is dropped afterwards.
 * Helpers read the table with plain SQL, so assertions do not trust the code under test.
 */
public abstract class PgTest {
    /** The test's schema. */
    protected String schema;
    /** A migrated PQ on the test's schema. */
    protected PQ pq;
    /** The connection of the SQL helpers, opened on first use. */
    private Connection sqlConnection;

    @BeforeEach
    void createSchema() {
        schema = TestDatabase.newSchema();
        pq = builder().build();
        pq.migrate();
    }

    /** A builder on the test database and schema, for tests that want other settings. */
    protected PQ.Builder builder() {
        return PQ.builder().url(TestDatabase.url()).schema(schema).poolSize(20)
                .defaultTimeout(Duration.ofSeconds(1));
    }

    @AfterEach
    void dropSchema() {
        if (pq != null) {
            pq.close();
        }
        if (sqlConnection != null) {
            try {
                sqlConnection.close();
            } catch (SQLException ignored) {
                // the test is over
            }
        }
        TestDatabase.dropSchema(schema);
    }

    /** The schema-qualified queue table of this test. */
    protected String table() {
        return schema + ".queue";
    }

    /** The number of rows in the queue table (every queue). */
    protected long rowCount() {
        return queryLong("SELECT count(*) FROM " + table());
    }

    /** The number of rows of one queue, read with SQL. */
    protected long rowCount(String queue) {
        return queryLong("SELECT count(*) FROM " + table() + " WHERE queue = ?", queue);
    }

    /** Runs a query returning one number. */
    protected long queryLong(String sql, Object... params) {
        Object o = queryOne(sql, params);
        return ((Number) o).longValue();
    }

    /** Runs a query and returns the first column of its first row (null if no row). */
    protected Object queryOne(String sql, Object... params) {
        Map<String, Object> row = queryRow(sql, params);
        return row == null ? null : row.values().iterator().next();
    }

    /** Runs a query and returns its first row by column label, or null if there is none. */
    protected Map<String, Object> queryRow(String sql, Object... params) {
        try (PreparedStatement ps = sqlConnection().prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ResultSetMetaData md = rs.getMetaData();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                return row;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed: " + sql, e);
        }
    }

    private Connection sqlConnection() throws SQLException {
        if (sqlConnection == null || sqlConnection.isClosed()) {
            sqlConnection = TestDatabase.connect();
        }
        return sqlConnection;
    }

    /**
     * The stored row of a job as text, exactly as the database holds it (times as epoch
     * microseconds, payloads as text/hex), or null if the row is gone.
     */
    protected Map<String, Object> storedRow(long id) {
        return queryRow("SELECT id, queue, (extract(epoch FROM enqueued_at) * 1000000)::bigint AS enqueued_us, "
                + "(extract(epoch FROM schedule_at) * 1000000)::bigint AS schedule_us, "
                + "(extract(epoch FROM expected_at) * 1000000)::bigint AS expected_us, "
                + "data::text AS data, encode(bytes, 'hex') AS bytes FROM " + table() + " WHERE id = ?", id);
    }

    /** An epoch-microsecond column of {@link #storedRow} as an instant (null stays null). */
    protected static Instant micros(Object epochMicros) {
        if (epochMicros == null) {
            return null;
        }
        long us = ((Number) epochMicros).longValue();
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
    }

    /** The database's clock now. */
    protected Instant dbNow() {
        return micros(queryOne("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint"));
    }

    /** Polls {@code condition} every 20 ms until true (state only the database or a worker can tell); fails after {@code timeout}. */
    protected static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                org.junit.jupiter.api.Assertions.fail("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                org.junit.jupiter.api.Assertions.fail("interrupted waiting for: " + what);
            }
        }
    }

    /** {@link #await(String, Duration, java.util.function.BooleanSupplier)} with 20 s. */
    protected static void await(String what, java.util.function.BooleanSupplier condition) {
        await(what, Duration.ofSeconds(20), condition);
    }
}
