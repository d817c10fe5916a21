package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one locker of a worker process (Que's design): a dedicated connection holding a session
 * advisory lock on every job this process has taken, so a process that dies releases them all at
 * once. It locks at most as many jobs as there are idle threads plus the buffer size, in one
 * statement, and releases finished jobs' locks in batches. It wakes on notifications for its
 * queues, on finished jobs, and every poll interval.
 */
public final class Locker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Locker.class);
    private static final int ANY = Short.MAX_VALUE;

    private final Engine engine;
    private final TasksDb db;
    private final QueueList queues;
    private final Buffer buffer;
    private final int bufferSize;
    private final long pollNanos;
    private final Consumer<String> observer;
    private final ConcurrentLinkedQueue<Long> releases = new ConcurrentLinkedQueue<>();
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** Jobs whose lock this session holds (touched by the locker thread only). */
    private final Set<Long> held = new java.util.HashSet<>();
    private final Object monitor = new Object();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean drained;
    private volatile Integer backendPid;
    private boolean dirty = true;
    private boolean signalled;
    private Connection connection;

    public Locker(TasksDb db, QueueList queues, Buffer buffer, int bufferSize, long pollNanos, String name) {
        this.engine = db.engine();
        this.db = db;
        this.queues = queues;
        this.buffer = buffer;
        this.bufferSize = bufferSize;
        this.pollNanos = pollNanos;
        this.observer = q -> {
            if (q == null || queues.matches(q)) {
                if (q != null) {
                    known.add(q);
                }
                wake(true);
            }
        };
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Starts listening and locking. */
    public Locker start() throws InterruptedException {
        // Connect here, not on the thread: a bad database fails start() at once, and the registry's
        // first heartbeat already knows the locker's backend pid (how dead workers are recognised).
        try {
            connect();
        } catch (SQLException e) {
            throw engine.translate(e, "connecting the worker's locker");
        }
        engine.listener().addObserver(observer);
        engine.listener().ensureStarted();
        thread.start();
        return this;
    }

    /** The backend pid of the locker connection, once connected. */
    public Integer backendPid() {
        return backendPid;
    }

    /** True after a lock attempt found no candidate at all in any queue (drain mode's end). */
    public boolean drained() {
        return drained;
    }

    /** Asks for a job's lock to be released (after its completion committed, or on shutdown). */
    public void release(long id) {
        releases.add(id);
        wake(false);
    }

    /** Asks for many locks to be released. */
    public void release(List<Long> ids) {
        releases.addAll(ids);
        wake(false);
    }

    /** Wakes the locker: capacity changed, or (if {@code news}) jobs may have arrived. */
    public void wake(boolean news) {
        synchronized (monitor) {
            if (news) {
                dirty = true;
            }
            signalled = true;
            monitor.notifyAll();
        }
    }

    private void run() {
        long backoff = 100;
        long nextPoll = 0;
        while (!stopping) {
            try {
                if (connection == null) {
                    connect();
                    nextPoll = 0;
                }
                releasePending();
                long now = System.nanoTime();
                if (now - nextPoll >= 0) {
                    if (queues.hasGlobs()) {
                        known.addAll(db.queueNames(connection));
                    }
                    nextPoll = now + pollNanos;
                    synchronized (monitor) {
                        dirty = true;
                    }
                }
                long waitNanos = Math.max(0, nextPoll - System.nanoTime());
                boolean more = false;
                boolean doLock;
                synchronized (monitor) {
                    doLock = dirty;
                    dirty = false;
                }
                if (doLock) {
                    int capacity = buffer.capacity(bufferSize);
                    // Refill in batches: lock when the buffer is empty or at least half of it is free.
                    if (capacity > 0 && (buffer.size() == 0 || capacity >= (bufferSize + 1) / 2)) {
                        more = lockSome(capacity);
                        if (!more && buffer.size() == 0) {
                            Double next = db.nextDue(connection, queues.expand(known));
                            if (next != null) {
                                // Look again when it is due: bring the next poll forward (waking
                                // alone would not lock, since nothing marks the queues dirty).
                                long dueAt = System.nanoTime() + Math.max(0, (long) (next * 1e9)) + 1_000_000L;
                                if (dueAt - nextPoll < 0) {
                                    nextPoll = dueAt;
                                }
                                waitNanos = Math.max(0, nextPoll - System.nanoTime());
                            }
                        }
                    } else {
                        more = true; // look again once a thread frees up
                    }
                }
                // at least one free place (with no buffer, half of it is 0: never spin on that)
                boolean room = buffer.capacity(bufferSize) >= Math.max(1, (bufferSize + 1) / 2);
                synchronized (monitor) {
                    if (more) {
                        dirty = true;
                    }
                    if (!(more && room) && !signalled && releases.isEmpty() && !stopping) {
                        long deadline = System.nanoTime() + waitNanos;
                        while (!signalled && !stopping && releases.isEmpty()) {
                            long left = deadline - System.nanoTime();
                            if (left <= 0) {
                                break;
                            }
                            monitor.wait(left / 1_000_000, (int) (left % 1_000_000));
                        }
                    }
                    signalled = false;
                }
                backoff = 100;
            } catch (InterruptedException e) {
                break;
            } catch (SQLException | RuntimeException e) {
                if (stopping) {
                    break;
                }
                lostConnection(e, backoff);
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    /** Locks up to {@code capacity} jobs and buffers them; true if there may be more. */
    private boolean lockSome(int capacity) throws SQLException {
        List<String> list = queues.expand(known);
        if (list.isEmpty()) {
            drained = true;
            return false;
        }
        // One read: with idle() and maxIdleThreshold() as two calls, a thread taking a job in
        // between left no idle thread, the threshold became Integer.MIN_VALUE, the query found no
        // candidate, and the locker slept a whole poll interval with jobs waiting.
        int threshold = buffer.maxIdleThreshold();
        int maxPriority = threshold == Integer.MIN_VALUE ? ANY : Math.min(threshold, ANY);
        int candidates = Math.max(capacity * 2, 16);
        int[] seen = {0};
        long[] ids = db.lock(connection, list, maxPriority, held, capacity, candidates, seen);
        drained = seen[0] == 0 && buffer.size() == 0;
        if (ids.length == 0) {
            return seen[0] >= candidates; // all candidates taken by others: there may be more below
        }
        List<LockedJob> jobs = db.recheck(connection, ids);
        if (jobs.size() < ids.length) {
            Set<Long> live = ConcurrentHashMap.newKeySet();
            jobs.forEach(j -> live.add(j.id()));
            List<Long> gone = new ArrayList<>();
            for (long id : ids) {
                if (!live.contains(id)) {
                    gone.add(id);
                }
            }
            db.unlock(connection, gone);
        }
        jobs.forEach(j -> held.add(j.id()));
        // Keep the lock order (queue list, priority, expected time, id).
        List<LockedJob> ordered = new ArrayList<>(jobs.size());
        java.util.Map<Long, LockedJob> byId = new java.util.HashMap<>();
        jobs.forEach(j -> byId.put(j.id(), j));
        for (long id : ids) {
            LockedJob j = byId.get(id);
            if (j != null) {
                ordered.add(j);
            }
        }
        if (!buffer.addAll(ordered)) {
            List<Long> back = new ArrayList<>();
            ordered.forEach(j -> back.add(j.id()));
            unlock(back);
            return false;
        }
        return ids.length == capacity || jobs.size() < ids.length;
    }

    private void releasePending() throws SQLException {
        if (releases.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>();
        for (Long id; (id = releases.poll()) != null; ) {
            ids.add(id);
        }
        unlock(ids);
    }

    private void unlock(List<Long> ids) throws SQLException {
        db.unlock(connection, ids);
        held.removeAll(ids);
    }

    private void connect() throws SQLException {
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
        if (queues.hasGlobs()) {
            known.addAll(db.queueNames(c));
        }
    }

    private void lostConnection(Exception e, long backoff) {
        log.error("locker connection failed (its job locks are gone: jobs running now may also be run by "
                + "another worker); reconnecting in {} ms", backoff, e);
        closeConnection();
        List<LockedJob> waiting = buffer.clear();
        releases.clear();
        if (!waiting.isEmpty()) {
            log.warn("dropped {} buffered jobs whose locks were lost", waiting.size());
        }
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        held.clear();
        backendPid = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken already
            }
        }
    }

    /** Stops locking; call {@link #close()} later to release the rest and disconnect. */
    public void stopLocking() {
        stopping = true;
        wake(false);
    }

    /**
     * Stops the thread, releases every lock still pending release, and closes the connection
     * (which releases any other lock this session still holds).
     */
    @Override
    public void close() {
        stopLocking();
        engine.listener().removeObserver(observer);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
    }
}
