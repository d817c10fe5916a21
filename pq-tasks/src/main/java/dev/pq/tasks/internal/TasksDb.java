package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import dev.pq.internal.When;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The JDBC side of pq-tasks: runs {@link TasksSql} statements. */
public final class TasksDb {
    private final Engine engine;
    private final TasksSql sql;
    private final SeriesSql seriesSql;

    public TasksDb(Engine engine) {
        this.engine = engine;
        this.sql = new TasksSql(engine.sql());
        this.seriesSql = new SeriesSql(engine.sql());
    }

    public Engine engine() {
        return engine;
    }

    public TasksSql sql() {
        return sql;
    }

    /** The statements of stats over time. */
    public SeriesSql seriesSql() {
        return seriesSql;
    }

    public long enqueue(Connection c, String queue, int priority, String task, String json, When schedule,
                        When expected) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.enqueue)) {
            ps.setString(1, queue);
            ps.setInt(2, priority);
            ps.setString(3, task);
            ps.setString(4, json);
            Engine.bindWhen(ps, 5, schedule);
            Engine.bindWhen(ps, 7, expected);
            ps.setString(9, queue);
            ps.setString(10, engine.sql().channel);
            ps.setString(11, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * One lock round: the ids locked (in lock order), the candidates seen, and the locked jobs still
     * pending and ready in a snapshot taken after the locks (the others are to be unlocked).
     */
    public record Locked(long[] ids, int seen, List<LockedJob> jobs) {
    }

    /**
     * Locks up to {@code want} ready jobs of {@code queues} (in that order) and re-reads them in a
     * fresh snapshot: two statements, one round trip.
     */
    public Locked lock(Connection locker, List<String> queues, int maxPriority, Collection<Long> held, int want,
                       int candidates) throws SQLException {
        try (PreparedStatement ps = locker.prepareStatement(sql.lock)) {
            Array heldArray = locker.createArrayOf("bigint", held.toArray());
            ps.setArray(1, locker.createArrayOf("text", queues.toArray()));
            ps.setInt(2, maxPriority);
            ps.setArray(3, heldArray);
            ps.setInt(4, candidates);
            ps.setInt(5, maxPriority);
            ps.setArray(6, heldArray);
            ps.setInt(7, candidates);
            ps.setInt(8, candidates);
            ps.setInt(9, candidates);
            ps.setInt(10, engine.sql().lockClass);
            ps.setInt(11, want);
            List<Long> ids = new ArrayList<>();
            int seen = 0;
            ps.execute();
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    seen = rs.getInt(2);
                    long id = rs.getLong(1);
                    if (!rs.wasNull()) {
                        ids.add(id);
                    }
                }
            }
            if (!ps.getMoreResults()) {
                throw new SQLException("the lock statement returned no re-check result");
            }
            long now = System.nanoTime();
            List<LockedJob> jobs = new ArrayList<>(ids.size());
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    jobs.add(job(rs, now));
                }
            }
            return new Locked(ids.stream().mapToLong(Long::longValue).toArray(), seen, jobs);
        }
    }

    /** Reads the locked jobs that are still pending and ready, in a fresh snapshot. */
    public List<LockedJob> recheck(Connection locker, long[] ids) throws SQLException {
        try (PreparedStatement ps = locker.prepareStatement(sql.recheck)) {
            ps.setArray(1, longs(locker, ids));
            long now = System.nanoTime();
            List<LockedJob> out = new ArrayList<>(ids.length);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(job(rs, now));
                }
            }
            return out;
        }
    }

    private static LockedJob job(ResultSet rs, long checkedAt) throws SQLException {
        Instant enqueued = Engine.instant(rs, 8);
        Instant scheduled = Engine.instant(rs, 9);
        return new LockedJob(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                rs.getBytes(6), rs.getInt(7), enqueued, Engine.instant(rs, 10), scheduled != null ? scheduled : enqueued,
                rs.getLong(11), checkedAt, rs.getBoolean(12));
    }

    /**
     * Re-reads jobs before they run (on any connection): those still pending and ready, each with
     * whether the session {@code lockerPid}, which locked them, is still alive (and so holds their lock).
     */
    public java.util.Map<Long, Checked> check(Connection c, int lockerPid, Collection<Long> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.check)) {
            ps.setInt(1, lockerPid);
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            long now = System.nanoTime();
            java.util.Map<Long, Checked> out = new java.util.HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LockedJob j = job(rs, now);
                    out.put(j.id(), new Checked(j, rs.getBoolean(13)));
                }
            }
            return out;
        }
    }

    /** A job as re-read before its run, and whether its lock is still held by this process's locker. */
    public record Checked(LockedJob job, boolean locked) {
    }

    /** Takes again the session locks of {@code ids} on a new locker connection; returns those it got. */
    public java.util.Set<Long> relock(Connection locker, Collection<Long> ids) throws SQLException {
        try (PreparedStatement ps = locker.prepareStatement(sql.relock)) {
            ps.setArray(1, locker.createArrayOf("bigint", ids.toArray()));
            ps.setInt(2, engine.sql().lockClass);
            java.util.Set<Long> got = new java.util.HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    got.add(rs.getLong(1));
                }
            }
            return got;
        }
    }

    /** Unlocks jobs that were locked but not run, and notifies their queues. */
    public void giveBack(Connection locker, Collection<Long> ids, Collection<String> queues) throws SQLException {
        try (PreparedStatement ps = locker.prepareStatement(sql.giveBack)) {
            ps.setInt(1, engine.sql().lockClass);
            ps.setArray(2, locker.createArrayOf("bigint", ids.toArray()));
            ps.setString(3, engine.sql().channel);
            ps.setArray(4, locker.createArrayOf("text", queues.toArray()));
            ps.executeQuery().close();
        }
    }

    public void unlock(Connection locker, Collection<Long> ids) throws SQLException {
        try (PreparedStatement ps = locker.prepareStatement(sql.unlock)) {
            ps.setInt(1, engine.sql().lockClass);
            ps.setArray(2, locker.createArrayOf("bigint", ids.toArray()));
            ps.executeQuery().close();
        }
    }

    public List<String> queueNames(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.queueNames); ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    /** Seconds until the next scheduled job of these queues is due, or null if none. */
    public Double nextDue(Connection c, List<String> queues) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.nextDue)) {
            ps.setArray(1, c.createArrayOf("text", queues.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                double d = rs.getDouble(1);
                return rs.wasNull() ? null : d;
            }
        }
    }

    /**
     * Runs one of the (id, version) statements (destroy, finish, markFailed) and returns the ids it
     * changed: a job missing from the result was completed or changed by another run.
     */
    public java.util.Set<Long> byIds(Connection c, String statement, List<Long> ids, List<Long> versions)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            ps.setArray(2, c.createArrayOf("bigint", versions.toArray()));
            return changed(ps);
        }
    }

    /** Reschedules jobs (of these versions) to run at {@code at}; returns the ids it changed. */
    public java.util.Set<Long> reschedule(Connection c, List<Long> ids, List<Long> versions, List<Instant> at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.reschedule)) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            ps.setArray(2, c.createArrayOf("bigint", versions.toArray()));
            ps.setArray(3, c.createArrayOf("timestamptz", at.stream().map(Engine::jdbc).toArray()));
            return changed(ps);
        }
    }

    private static java.util.Set<Long> changed(PreparedStatement ps) throws SQLException {
        java.util.Set<Long> out = new java.util.HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /**
     * Records a failure of the job's row {@code version}: retry at {@code retryAt}, or mark failed
     * if {@code markFailed}. False if the row was gone or changed (another run completed it).
     */
    public boolean fail(Connection c, long id, long version, String message, String backtrace, Instant retryAt,
                        boolean markFailed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.recordFailure)) {
            ps.setString(1, truncate(clean(message), 4_000));
            ps.setString(2, truncate(clean(backtrace), 32_000));
            ps.setObject(3, Engine.jdbc(retryAt), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setBoolean(4, markFailed);
            ps.setArray(5, c.createArrayOf("bigint", new Object[] {id}));
            ps.setArray(6, c.createArrayOf("bigint", new Object[] {version}));
            return !changed(ps).isEmpty();
        }
    }

    /** PostgreSQL text cannot hold NUL: an error message with one could never be recorded. */
    static String clean(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
    }

    static String truncate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max - 15) + "... (truncated)";
    }

    static Array longs(Connection c, long[] ids) throws SQLException {
        Long[] boxed = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxed[i] = ids[i];
        }
        return c.createArrayOf("bigint", boxed);
    }

    /** The payload as text, for messages and listings. */
    public static String text(String json, byte[] bytes) {
        return json != null ? json : bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
