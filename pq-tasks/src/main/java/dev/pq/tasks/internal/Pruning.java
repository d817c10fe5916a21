package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import dev.pq.internal.Sql;
import dev.pq.tasks.Pruned;
import dev.pq.tasks.Retention;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * One prune of a table's kept jobs (and its expired unique-period claims) under
 * {@link Retention}: what {@link Pruner} runs on a schedule and {@code Admin.prune} runs once.
 *
 * <p>Only one session prunes a table at a time: a run first tries the table's pruning lock, a
 * session advisory lock in the single-bigint key space, and does nothing if another session holds
 * it. Job locks are two-int advisory locks ({@code objsubid = 2} in {@code pg_locks}), the
 * migration lock has another key, so the pruning lock collides with neither.
 *
 * <p>Deletes go oldest first, per queue and kind, {@code batchSize} rows per statement, each
 * statement its own transaction (asynchronous commit: a crash loses only deletes the next prune
 * repeats; a lock timeout: a DDL lock is not waited for long). Rows locked by another session are
 * skipped, pending rows are never matched, and the ready and scheduled indexes dequeue reads are
 * partial over pending rows, so a delete of kept rows never touches them.
 */
public final class Pruning {
    /** The high half of the pruning lock key: "pqpr". */
    private static final long LOCK_PREFIX = 0x7071_7072L;
    /** How long a deleting statement waits for a table lock before the prune gives up until its next run. */
    private static final String LOCK_TIMEOUT = "5s";

    private final TasksDb db;
    private final TasksSql sql;
    private final Retention retention;
    private final BooleanSupplier stop;

    private long finished;
    private long failed;
    private long cancelled;
    private long claims;

    private Pruning(TasksDb db, Retention retention, BooleanSupplier stop) {
        this.db = db;
        this.sql = db.sql();
        this.retention = retention;
        this.stop = stop;
    }

    /** The pruning lock of a table: "pqpr" and the table's lock class, as one bigint. */
    public static long lockKey(Sql sql) {
        return LOCK_PREFIX << 32 | Integer.toUnsignedLong(sql.lockClass);
    }

    /**
     * Prunes on {@code c} (held for the whole run, which holds the pruning lock on it) unless
     * another session prunes now; stops between two statements once {@code stop} says so.
     */
    public static Pruned run(TasksDb db, Connection c, Retention retention, BooleanSupplier stop) throws SQLException {
        long t0 = System.nanoTime();
        long key = lockKey(db.engine().sql());
        if (!lock(c, "SELECT pg_try_advisory_lock(?)", key)) {
            return new Pruned(false, 0, 0, 0, 0, Duration.ofNanos(System.nanoTime() - t0));
        }
        Pruning p = new Pruning(db, retention, stop);
        boolean unlocked = false;
        try {
            p.jobs(c);
            p.claims(c);
            unlocked = lock(c, "SELECT pg_advisory_unlock(?)", key);
        } finally {
            if (!c.getAutoCommit()) {
                rollbackQuietly(c);
            }
            if (!unlocked) {
                unlockOrDrop(c, key);
            }
        }
        return new Pruned(true, p.finished, p.failed, p.cancelled, p.claims, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Runs {@link #run} once on a connection of its own (Admin.prune). */
    public static Pruned once(TasksDb db, Retention retention) {
        Engine engine = db.engine();
        try (Connection c = engine.dedicated()) {
            return run(db, c, retention, () -> Thread.currentThread().isInterrupted());
        } catch (SQLException e) {
            throw engine.translate(e, "pruning kept jobs");
        }
    }

    private static boolean lock(Connection c, String statement, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The lock must not outlive the run: a connection that cannot release it is closed for good. */
    private static void unlockOrDrop(Connection c, long key) {
        try {
            lock(c, "SELECT pg_advisory_unlock(?)", key);
        } catch (SQLException | RuntimeException e) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // the connection is gone, and its session lock with it
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is broken: the caller closes it
        }
    }

    private void jobs(Connection c) throws SQLException {
        Instant now;
        List<String> queues = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT statement_timestamp()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            now = rs.getObject(1, OffsetDateTime.class).toInstant();
        }
        try (PreparedStatement ps = c.prepareStatement(sql.keptQueues); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                queues.add(rs.getString(1));
            }
        }
        for (String queue : queues) {
            for (Retention.Kind kind : Retention.Kind.values()) {
                if (stop.getAsBoolean()) {
                    return;
                }
                Instant cutoff = cutoff(c, queue, kind, now);
                if (cutoff != null) {
                    long n = delete(c, queue, kind, cutoff);
                    switch (kind) {
                        case FINISHED -> finished += n;
                        case FAILED -> failed += n;
                        case CANCELLED -> cancelled += n;
                    }
                }
            }
        }
    }

    /** Rows of {@code queue} and {@code kind} that ended before the returned time go; null: none go. */
    private Instant cutoff(Connection c, String queue, Retention.Kind kind, Instant now) throws SQLException {
        Retention.Keep limit = retention.limit(queue, kind);
        Instant cutoff = limit.maxAge().map(now::minus).orElse(null);
        OptionalLong max = limit.maxCount();
        if (max.isPresent()) {
            try (PreparedStatement ps = c.prepareStatement(sql.nthKept[kind.ordinal()])) {
                ps.setString(1, queue);
                ps.setLong(2, Math.max(0, max.getAsLong() - 1));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Instant nth = rs.getObject(1, OffsetDateTime.class).toInstant();
                        // keep 0: everything up to the newest goes; else what ended before the n-th newest
                        Instant byCount = max.getAsLong() == 0 ? nth.plusNanos(1000) : nth;
                        cutoff = cutoff == null || byCount.isAfter(cutoff) ? byCount : cutoff;
                    }
                }
            }
        }
        return cutoff;
    }

    private long delete(Connection c, String queue, Retention.Kind kind, Instant cutoff) throws SQLException {
        OffsetDateTime before = OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC);
        OffsetDateTime from = null;
        long total = 0;
        int batch = retention.batchSize();
        while (true) {
            long n;
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("SELECT set_config('lock_timeout', ?, true), "
                        + "set_config('synchronous_commit', 'off', true), "
                        // kept pq.scheduler rows may go even when no scheduler job is pending:
                        // a prune never removes a pending one
                        + "set_config('pq.scheduler_removal', 'allow', true)")) {
                    ps.setString(1, LOCK_TIMEOUT);
                    ps.executeQuery().close();
                }
                try (PreparedStatement ps = c.prepareStatement(sql.pruneKept[kind.ordinal()])) {
                    ps.setString(1, queue);
                    ps.setObject(2, from);
                    ps.setObject(3, before);
                    ps.setInt(4, batch);
                    ps.setObject(5, before);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        n = rs.getLong(1);
                        OffsetDateTime last = rs.getObject(2, OffsetDateTime.class);
                        if (last != null) {
                            from = last;
                        }
                    }
                }
                c.commit();
            } finally {
                if (!c.getAutoCommit()) {
                    rollbackQuietly(c);
                }
            }
            total += n;
            if (n < batch || stop.getAsBoolean()) {
                return total;
            }
            pause();
        }
    }

    private void claims(Connection c) throws SQLException {
        String after = null;
        int page = retention.batchSize();
        while (!stop.getAsBoolean()) {
            long seen;
            try (PreparedStatement ps = c.prepareStatement(after == null ? sql.pruneClaimsFirst : sql.pruneClaims)) {
                int i = 1;
                if (after != null) {
                    ps.setString(i++, after);
                }
                ps.setInt(i, page);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seen = rs.getLong(1);
                    after = rs.getString(2);
                    long n = rs.getLong(3);
                    claims += n;
                }
            }
            if (seen < page) {
                return;
            }
            pause();
        }
    }

    private void pause() {
        long ms = retention.batchPause().toMillis();
        if (ms > 0 && !stop.getAsBoolean()) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the stop supplier sees it (or the caller's next statement does)
            }
        }
    }
}
