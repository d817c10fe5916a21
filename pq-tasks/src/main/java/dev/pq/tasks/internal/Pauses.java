package dev.pq.tasks.internal;

import dev.pq.PQException;
import dev.pq.internal.Engine;
import dev.pq.internal.Identifiers;
import dev.pq.tasks.PausedQueue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pauses a worker obeys (Resque's pause): queues paused in the database for every worker
 * ({@code Admin.pause}, a row each, {@code *} for every queue), and this worker paused on its own
 * ({@code Worker.pause()}, the CLI's USR2). The locker reads the rows when the control channel says
 * they changed, after a reconnect, and at every poll, on its own connection; the lock statement
 * itself is unchanged (paused queues are left out of the queue list it is given), so pausing
 * costs the hot path nothing.
 */
public final class Pauses {
    private static final Logger log = LoggerFactory.getLogger(Pauses.class);

    private final TasksDb db;
    private volatile Set<String> paused = Set.of();
    private volatile boolean local;
    private volatile boolean stale = true;
    private boolean localSeen; // the locker's thread only

    public Pauses(TasksDb db) {
        this.db = db;
    }

    /** The rows may have changed (a control notification, a reconnect, the poll): read them again. */
    public void markStale() {
        stale = true;
    }

    /** This worker alone stops (true) or resumes (false) taking jobs; the locker applies it at once. */
    public void local(boolean pausedHere) {
        local = pausedHere;
        stale = true;
    }

    /** True while this worker is paused on its own. */
    public boolean local() {
        return local;
    }

    /**
     * Reads the paused queues if they may have changed (the locker's thread); true if what this
     * worker may run changed, so jobs of newly paused queues waiting in the buffer are given back
     * and, after a resume, the locker looks for jobs at once.
     */
    public boolean refreshIfStale(Connection c) throws SQLException {
        if (!stale) {
            return false;
        }
        stale = false;
        Set<String> now = new HashSet<>();
        for (PausedQueue p : read(db, c)) {
            now.add(p.queue());
        }
        boolean here = local;
        boolean changed = here != localSeen || !now.equals(paused);
        if (here != localSeen) {
            log.info("table={} this worker is {}", db.engine().sql().display, here ? "paused: it starts no new job"
                    : "resumed");
            localSeen = here;
        }
        if (!now.equals(paused)) {
            paused = Set.copyOf(now);
            log.info("table={} paused queues: {}", db.engine().sql().display, now.isEmpty() ? "none" : now);
        }
        return changed;
    }

    /** The queues of {@code queues} that may be worked now (none while this worker or every queue is paused). */
    public List<String> runnable(List<String> queues) {
        Set<String> p = paused;
        if (local || p.contains(PausedQueue.ALL)) {
            return List.of();
        }
        if (p.isEmpty()) {
            return queues;
        }
        List<String> out = new ArrayList<>(queues.size());
        for (String q : queues) {
            if (!p.contains(q)) {
                out.add(q);
            }
        }
        return out;
    }

    /** True if a job of {@code queue} must not start now. */
    public boolean paused(String queue) {
        Set<String> p = paused;
        return local || p.contains(PausedQueue.ALL) || p.contains(queue);
    }

    /** The paused queues, oldest pause first. */
    public static List<PausedQueue> read(TasksDb db, Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.sql().paused); ResultSet rs = ps.executeQuery()) {
            List<PausedQueue> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new PausedQueue(rs.getString(1), Engine.instant(rs, 2)));
            }
            return out;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // undefined_table: an older schema
                throw new PQException("the table " + db.engine().sql().paused + " is missing: pausing queues needs "
                        + "schema version 5 of " + db.engine().sql().display + ": run pq.migrate() (or pq migrate)", e);
            }
            throw e;
        }
    }

    /** Runs a pause or resume statement (queue names, control channel): how many rows it changed. */
    public static int change(TasksDb db, Connection c, String statement, String[] names) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            int i = 1;
            if (names != null) {
                ps.setArray(i++, c.createArrayOf("text", names));
            }
            ps.setString(i, db.engine().sql().control);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    public static String[] queueNames(String what, String[] queues) {
        if (queues == null || queues.length == 0) {
            throw new IllegalArgumentException("give the queues to " + what + ", or * for every queue");
        }
        String[] out = queues.clone();
        for (String q : out) {
            Identifiers.queueName(q);
        }
        return out;
    }
}
