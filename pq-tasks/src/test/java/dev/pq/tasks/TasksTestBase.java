package dev.pq.tasks;


import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * Helpers for pq-tasks tests: raw SQL on the test schema's queue table, workers closed after each
 * test, and polling with generous bounds (for state that only the database can tell).
 */
abstract class TasksTestBase extends PgTest {
    private final List<Worker> workers = new ArrayList<>();

    /** Starts a worker and closes it after the test, whatever happens. */
    protected Worker start(Worker.Builder builder) {
        Worker w = builder.build();
        synchronized (workers) {
            workers.add(w);
        }
        return w.start();
    }

    @AfterEach
    void closeWorkers() {
        synchronized (workers) {
            for (Worker w : workers) {
                w.close();
            }
            workers.clear();
        }
    }

    /** The schema-qualified job table. */
    protected String table() {
        return schema + ".queue";
    }

    /** The job row (column name to value; timestamps as Instant), or null if it is gone. */
    protected Map<String, Object> row(long id) {
        List<Map<String, Object>> rows = rows("SELECT * FROM " + table() + " WHERE id = ?", id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    protected List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = TestDatabase.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        if (v instanceof java.sql.Timestamp) {
                            v = rs.getObject(i, OffsetDateTime.class).toInstant();
                        } else if (v != null && md.getColumnTypeName(i).equals("jsonb")) {
                            v = v.toString();
                        }
                        m.put(md.getColumnName(i), v);
                    }
                    out.add(m);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    protected long count(String sql, Object... params) {
        return ((Number) rows(sql, params).get(0).values().iterator().next()).longValue();
    }

    protected int exec(String sql, Object... params) {
        try (Connection c = TestDatabase.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.execute();
            return ps.getUpdateCount();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    protected void ddl(String sql) {
        try (Connection c = TestDatabase.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema);
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Jobs not finished and not failed. */
    protected long pending() {
        return count("SELECT count(*) FROM " + table() + " WHERE finished_at IS NULL AND failed_at IS NULL");
    }

    /** Advisory locks held on this test's job table (by any session). */
    protected long jobLocks() {
        return count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND classid = "
                + "CAST(CAST(? AS bigint) AS oid)", Integer.toUnsignedLong(dev.pq.internal.Internals.engine(pq).sql().lockClass));
    }

    /** Makes a rescheduled job due now (instead of sleeping until its retry time). */
    protected void makeDue(long id) {
        exec("UPDATE " + table() + " SET schedule_at = now() - interval '1 second' WHERE id = ?", id);
        // wake the workers as an enqueue would
        exec("SELECT pg_notify(?, queue) FROM " + table() + " WHERE id = ?", dev.pq.internal.Internals.engine(pq).sql().channel, id);
    }

    protected static Instant instant(Object v) {
        return (Instant) v;
    }


}
