package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The locker's connection and what it holds: the jobs this process has taken, the subset whose
 * session locks the current connection holds, and the releases waiting to be sent. Everything but
 * {@link #release}, {@link #giveBack}, {@link #suspect}, {@link #taken()} and {@link #backendPid()}
 * is called on the locker's thread only.
 */
final class LockerSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LockerSession.class);

    private final Engine engine;
    private final TasksDb db;
    private final Runnable wake;
    /** Jobs this process has taken and not yet released: buffered, running, or being completed. */
    private final Set<Long> taken = ConcurrentHashMap.newKeySet();
    /** The jobs whose session lock the current connection holds (locker thread only). */
    private final Set<Long> held = new HashSet<>();
    private final ConcurrentLinkedQueue<Long> releases = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<LockedJob> givebacks = new ConcurrentLinkedQueue<>();
    /** Limits only (empty otherwise): the held jobs of limited queues, and their slots (see {@link LimitHolds}). */
    final LimitHolds limits;
    private volatile boolean suspected;
    private volatile Integer backendPid;
    private Connection connection;
    private boolean everConnected;
    private long lostAt;
    private int failures;

    LockerSession(TasksDb db, Runnable wake) {
        this.engine = db.engine();
        this.db = db;
        this.wake = wake;
        this.limits = new LimitHolds(db);
    }

    Connection connection() {
        return connection;
    }

    Integer backendPid() {
        return backendPid;
    }

    /** The jobs this process has taken (a live view). */
    Set<Long> taken() {
        return taken;
    }

    boolean hasPending() {
        return !releases.isEmpty() || !givebacks.isEmpty() || suspected || limits.hasEnded();
    }

    void release(Collection<Long> ids) {
        releases.addAll(ids);
        wake.run();
    }

    void giveBack(List<LockedJob> jobs) {
        givebacks.addAll(jobs);
        wake.run();
    }

    void suspect() {
        suspected = true;
        wake.run();
    }

    /** Jobs just locked: {@code kept} go to the buffer, {@code gone} (vanished rows) are unlocked at once. */
    void locked(Collection<Long> kept, Collection<Long> gone) throws SQLException {
        taken.addAll(kept);
        held.addAll(kept);
        if (!gone.isEmpty()) {
            db.unlock(connection, gone);
        }
    }

    void connect() throws SQLException {
        Connection c = engine.dedicated();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_backend_pid()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            backendPid = rs.getInt(1);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        // The lock statement's limits and arrays are parameters, so PostgreSQL's default plan cache
        // mode keeps planning it afresh on every call (a custom plan costs more than running it).
        // The generic plan reads the same partial indexes; this connection runs only the locker's
        // few statements, so cache it once. (PostgreSQL 12+; older servers keep planning.)
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("SET plan_cache_mode = force_generic_plan");
        } catch (SQLException e) {
            log.debug("plan_cache_mode not set on the locker connection: {}", e.toString());
        }
        connection = c;
        everConnected = true;
    }

    /**
     * Connects if the connection was lost; true if it did. After a reconnect the jobs still
     * running here are locked again (those another session has locked meanwhile may be run there
     * too: their completion in the job's transaction commits at most once).
     */
    boolean reconnectIfNeeded() throws SQLException {
        if (connection != null) {
            return false;
        }
        boolean again = everConnected;
        connect();
        if (!again) {
            return true;
        }
        releasePending();
        List<Long> running = new ArrayList<>(taken);
        Set<Long> got = running.isEmpty() ? Set.of() : db.relock(connection, running);
        held.addAll(got);
        limits.relock(connection, taken);
        long outage = (System.nanoTime() - lostAt) / 1_000_000;
        boolean all = got.size() == running.size();
        (all ? log.atInfo() : log.atWarn())
                .setMessage(all ? "locker reconnected after {} ms ({} failed attempts): {} jobs still running here locked again"
                        : "locker reconnected after {} ms ({} failed attempts): {} of {} jobs still running here locked "
                        + "again; the other {} were locked by another worker meanwhile and may run there too (their "
                        + "writes through job.connection() commit at most once)")
                .addArgument(outage).addArgument(failures).addArgument(got.size())
                .addArgument(running.size()).addArgument(running.size() - got.size())
                .addKeyValue("event", "locker.reconnected").addKeyValue("outageMs", outage)
                .addKeyValue("failedAttempts", failures).addKeyValue("running", running.size())
                .addKeyValue("relocked", got.size())
                .log();
        failures = 0;
        return true;
    }

    /** A job's lock looked lost: find out now whether the connection is. */
    void checkIfSuspected() throws SQLException {
        if (!suspected) {
            return;
        }
        suspected = false;
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
    }

    /** Sends the releases and give-backs handed over since the last call. */
    void releasePending() throws SQLException {
        limits.releaseEnded(connection);
        if (!releases.isEmpty()) {
            List<Long> ids = new ArrayList<>();
            for (Long id; (id = releases.poll()) != null; ) {
                ids.add(id);
            }
            unlock(ids, null);
        }
        if (!givebacks.isEmpty()) {
            List<Long> ids = new ArrayList<>();
            Set<String> queues = new LinkedHashSet<>();
            for (LockedJob j; (j = givebacks.poll()) != null; ) {
                ids.add(j.id());
                queues.add(j.queue());
            }
            unlock(ids, queues);
        }
    }

    private void unlock(List<Long> ids, Set<String> notify) throws SQLException {
        List<Long> mine = new ArrayList<>(ids.size());
        for (Long id : ids) {
            if (held.contains(id)) {
                mine.add(id);
            }
        }
        try {
            if (limits.unlock(connection, ids, mine, notify)) {
                return; // limited jobs among them: released with their slots, their queues told
            }
            if (notify != null) {
                db.giveBack(connection, mine, notify);
            } else if (!mine.isEmpty()) {
                db.unlock(connection, mine);
            }
        } finally {
            // whatever happened to the statement, these jobs are no longer this process's
            held.removeAll(ids);
            taken.removeAll(ids);
            limits.forget(ids);
        }
    }

    /** The connection failed: its locks are gone; {@code dropped} buffered jobs will not run here. */
    void lost(Throwable e, long retryInMillis, List<LockedJob> dropped) {
        if (failures++ == 0) {
            lostAt = System.nanoTime();
            int runningHere = Math.max(0, taken.size() - dropped.size());
            log.atError()
                    .setMessage("locker connection lost (its job locks are gone: the {} jobs running here may also be run "
                            + "by another worker, their writes through job.connection() commit at most once); "
                            + "reconnecting in {} ms")
                    .addArgument(runningHere).addArgument(retryInMillis).setCause(e)
                    .addKeyValue("event", "locker.lost").addKeyValue("running", runningHere)
                    .addKeyValue("retryInMs", retryInMillis)
                    .log();
        } else {
            log.warn("locker still cannot reach the database (attempt {}), retrying in {} ms: {}", failures,
                    retryInMillis, e.toString());
        }
        closeConnection();
        dropped.forEach(j -> taken.remove(j.id()));
        limits.forget(dropped.stream().map(LockedJob::id).toList());
        if (!dropped.isEmpty()) {
            log.warn("dropped {} buffered jobs whose locks were lost (other workers can take them)", dropped.size());
        }
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        held.clear();
        limits.connectionClosed();
        backendPid = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken already
            }
        }
    }

    /** Sends what is pending, releases every lock of this session, and disconnects. */
    @Override
    public void close() {
        if (connection != null) {
            try {
                releasePending();
                try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
                    ps.executeQuery().close();
                }
            } catch (SQLException e) {
                log.debug("releasing locks at close: {}", e.toString());
            }
        }
        closeConnection();
        taken.clear();
        limits.forget(List.copyOf(limits.jobs()));
    }
}
