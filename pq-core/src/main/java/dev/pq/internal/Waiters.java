package dev.pq.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's rows in the waiters registry ({@code <table>_waiters}, schema version 7): which
 * queues its {@link Listener}'s backend waits on. A put notifies a queue's channel only when a row
 * for that queue (or {@code '*'}) exists, so a put that nobody waits for never takes PostgreSQL's
 * database-wide notify lock (held by every notifying commit through its WAL flush).
 *
 * <p>A waiter registers (committed) before it re-checks the queue and sleeps: a put that commits
 * after the registration is visible notifies. A put whose check ran just before the registration
 * committed and that commits after the waiter's re-check is not noticed until the waiter's next
 * poll: that window is bounded by the poll interval (and is a fraction of a millisecond wide).
 *
 * <p>Rows go lazily: a queue nobody here has waited on for {@link #LINGER_NANOS} is removed by the
 * listener thread, so a getter in a loop registers once. After a reconnect the rows move to the
 * new backend; rows of backends that died (a killed process) cost only extra notifications and are
 * removed whenever a listener connects.
 */
final class Waiters {
    private static final Logger log = LoggerFactory.getLogger(Waiters.class);
    /** How long a queue stays registered after its last waiter left. */
    static final long LINGER_NANOS = 2_000_000_000L;

    private final ConnectionSource source;
    private final Sql sql;
    /** Waiting threads/services per queue. */
    private final Map<String, Integer> interest = new HashMap<>();
    /** Since when a queue without interest is still registered. */
    private final Map<String, Long> idleSince = new HashMap<>();
    /** Queues registered for {@link #pid} (their rows are committed). */
    private final Set<String> registered = new HashSet<>();
    /** The LISTEN backend's pid; null while not listening. */
    private Integer pid;

    Waiters(ConnectionSource source, Sql sql) {
        this.source = source;
        this.sql = sql;
    }

    /**
     * Counts one more waiter on {@code queue} and, if the queue is not registered yet and LISTEN is
     * in place, registers it (committed) before returning. With a shared connection the listener
     * registers it at its next turn instead (the caller may hold the connection).
     */
    void enter(String queue) {
        Integer p;
        synchronized (this) {
            interest.merge(queue, 1, Integer::sum);
            idleSince.remove(queue);
            p = pid;
            if (p == null || registered.contains(queue) || source.shared()) {
                return;
            }
        }
        // Outside the monitor, so the listener thread never waits for this insert: with interest
        // counted, housekeeping leaves the queue alone, and a reconnect registers it again anyway.
        try (Connection c = source.acquire()) {
            write(c, sql.register, p, List.of(queue));
            synchronized (this) {
                if (p.equals(pid)) {
                    registered.add(queue);
                }
            }
        } catch (SQLException e) {
            // not registered: puts may not notify; the waiter still polls, and housekeeping retries
            log.warn("table={} queue={} registering a waiter: {}", sql.display, queue, e.toString());
        }
    }

    /** Counts one waiter less; the row stays for {@link #LINGER_NANOS}. */
    synchronized void exit(String queue) {
        int n = interest.merge(queue, -1, Integer::sum);
        if (n <= 0) {
            interest.remove(queue);
            idleSince.put(queue, System.nanoTime());
        }
    }

    /**
     * The listener's backend is {@code newPid} (LISTEN in place): removes the rows of dead backends
     * and of the previous one, and registers every queue waited on now, committed.
     */
    synchronized void connected(Connection c, int newPid) {
        Integer old = pid;
        pid = newPid;
        registered.clear();
        idleSince.clear();
        try {
            write(c, sql.cleanWaiters, old == null ? newPid : old, null);
            if (!interest.isEmpty()) {
                write(c, sql.register, newPid, new ArrayList<>(interest.keySet()));
                registered.addAll(interest.keySet());
            }
        } catch (SQLException e) {
            // e.g. a schema older than version 7 (its puts fail until migrated); retried at housekeeping
            log.debug("table={} registering waiters: {}", sql.display, e.toString());
        }
    }

    /** The listener lost its backend: nothing is registered for the next one yet. */
    synchronized void disconnected() {
        pid = null;
        registered.clear();
        idleSince.clear();
    }

    /**
     * The listener thread's turn: registers queues entered while registration was deferred (a
     * shared connection), removes queues idle past the linger, on {@code c} (null: a connection
     * of the source). Returns at once when there is nothing to do.
     */
    synchronized void housekeep(Connection given) throws SQLException {
        if (pid == null) {
            return;
        }
        List<String> add = new ArrayList<>();
        for (String q : interest.keySet()) {
            if (!registered.contains(q)) {
                add.add(q);
            }
        }
        List<String> drop = new ArrayList<>();
        long now = System.nanoTime();
        idleSince.forEach((q, since) -> {
            if (now - since >= LINGER_NANOS) {
                drop.add(q);
            }
        });
        if (add.isEmpty() && drop.isEmpty()) {
            return;
        }
        Connection c = given != null ? given : source.acquire();
        try {
            if (!add.isEmpty()) {
                write(c, sql.register, pid, add);
                add.forEach(q -> registered.add(q));
            }
            if (!drop.isEmpty()) {
                write(c, sql.unregister, pid, drop);
                drop.forEach(q -> {
                    registered.remove(q);
                    idleSince.remove(q);
                });
            }
        } finally {
            if (given == null) {
                c.close();
            }
        }
    }

    /** The listener stops: removes this backend's rows, on {@code c}. */
    synchronized void close(Connection c) {
        Integer p = pid;
        pid = null;
        if (p != null && !registered.isEmpty()) {
            try {
                write(c, sql.unregister, p, new ArrayList<>(registered));
            } catch (SQLException e) {
                log.debug("table={} removing waiters: {}", sql.display, e.toString());
            }
        }
        registered.clear();
        idleSince.clear();
    }

    /** For tests: the queues registered now. */
    synchronized List<String> registeredQueues() {
        return new ArrayList<>(registered);
    }

    private void write(Connection c, String statement, int p, List<String> queues) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setInt(1, p);
            if (queues != null) {
                ps.setArray(2, c.createArrayOf("text", queues.toArray()));
            }
            ps.executeUpdate();
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
