package dev.pq.tasks.internal;

import dev.pq.internal.RetryDelay;
import dev.pq.internal.Service;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one locker of a worker process (Que's design): a session ({@link LockerSession}) holding an
 * advisory lock on every job this process has taken, so a process that dies releases them all at
 * once. It locks at most as many jobs as there are idle threads plus what {@link Pace} expects the
 * busy threads to take within a few milliseconds (at most {@code maximumBufferSize}), in one
 * statement, and releases finished jobs' locks in batches. It wakes on notifications for its
 * queues, on free threads while a backlog is known, and every poll interval.
 *
 * <p>The jobs this process has taken ({@link LockerSession#taken()}: buffered, running, awaiting
 * release) are kept apart from the locks the current session holds: after a lost connection the
 * session's locks are gone but the jobs still run here, so they stay excluded from locking and are
 * locked again once reconnected.
 */
public final class Locker implements Service, JobLocks {
    private static final Logger log = LoggerFactory.getLogger(Locker.class);
    /** Back-off while every ready candidate is locked by other workers (they may die or give back). */
    private static final long CONTENDED_MIN_NANOS = 2_000_000L;
    private static final long CONTENDED_MAX_NANOS = 100_000_000L;

    private final TasksDb db;
    private final QueueList queues;
    private final Buffer buffer;
    private final Pace pace;
    private final long pollNanos;
    private final LockerSession session;
    private final Consumer<String> observer;
    private final Consumer<String> controlObserver;
    private final Pauses pauses;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Wakeup wakeup;
    private final Thread thread;
    private volatile boolean lockingStopped;
    private volatile boolean stopping;
    private volatile boolean drained;
    /** Null without limits: the worker then runs only the unlimited statements. */
    private final LimitedLock limited;
    private final Limits limits;

    /**
     * The outcome of one lock statement: jobs buffered, and whether more may be lockable now (with
     * limits: whether only a free thread can take more, and when a rate's next slot frees).
     */
    private record Round(int locked, boolean more, boolean threadBound, long rateWaitNanos) {
        Round(int locked, boolean more) {
            this(locked, more, false, -1);
        }
    }

    public Locker(TasksDb db, QueueList queues, Buffer buffer, Wakeup wakeup, Pauses pauses, Pace pace,
                  long pollNanos, String name, Limits limits) {
        this.db = db;
        this.pauses = pauses;
        this.wakeup = wakeup;
        this.queues = queues;
        this.buffer = buffer;
        this.pace = pace;
        this.pollNanos = pollNanos;
        this.session = new LockerSession(db, () -> wakeup.wake(false));
        this.limits = limits;
        this.limited = limits.none() ? null : new LimitedLock(db, limits, session);
        this.observer = q -> {
            if (q == null || queues.matches(q)) {
                if (q != null) {
                    known.add(q);
                }
                wake(true);
            }
        };
        this.controlObserver = message -> {
            if (message == null || !message.startsWith(Cancels.PREFIX)) {
                pauses.markStale();
                wake(true);
            }
        };
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Connects, starts listening and locking. */
    @Override
    public void start() {
        // Connect here, not on the thread: a bad database fails start() at once, and the registry's
        // first heartbeat already knows the locker's backend pid (how dead workers are recognised).
        try {
            session.connect();
            refreshQueues();
            pauses.refreshIfStale(session.connection());
        } catch (SQLException e) {
            throw db.engine().translate(e, "connecting the worker's locker");
        }
        db.engine().listener().addObserver(observer);
        db.engine().listener().addControlObserver(controlObserver);
        db.engine().listener().start();
        waitedOn().forEach(db.engine().listener()::register); // before the first lock attempt
        thread.start();
    }

    /** The queues registered as waited on: the listed names, or every queue if globs are listed. */
    private List<String> waitedOn() {
        return queues.hasGlobs() ? List.of("*") : queues.entries().stream().filter(q -> !q.startsWith("!")).toList();
    }

    /** The backend pid of the locker connection, once connected (null while reconnecting). */
    public Integer backendPid() {
        return session.backendPid();
    }

    /** True after a lock attempt found no candidate at all in any queue (drain mode's end). */
    public boolean drained() {
        return drained;
    }

    /** Asks for a job's lock to be released (after its completion committed, or its row was gone). */
    public void release(long id) {
        session.release(List.of(id));
    }

    /** Asks for many locks to be released. */
    public void release(List<Long> ids) {
        session.release(ids);
    }

    /** Releases jobs that were locked but not run, and tells the other workers of their queues. */
    public void giveBack(List<LockedJob> jobs) {
        session.giveBack(jobs);
    }

    /** True if this worker has limits (false: no limit code runs on its threads). */
    public boolean limited() {
        return limited != null;
    }

    /** A job's handler returned or threw: with a concurrency limit its slot is released now. */
    public void ended(long id) {
        if (limited != null && session.limits.ended(id)) {
            wakeup.wake(false);
        }
    }

    /** A job starts on its thread now (with limits: a rate counts its start from this moment). */
    public void started(long id) {
        if (limited != null) {
            session.limits.started(id);
        }
    }

    /** A job kept its thread busy for {@code nanos}. */
    @Override
    public void ran(long nanos) {
        pace.ran(nanos);
    }

    /** A job's lock was found not held by this session: check the connection now. */
    public void suspect() {
        session.suspect();
    }

    /** Wakes the locker: capacity changed, or (if {@code news}) jobs may have arrived. */
    public void wake(boolean news) {
        wakeup.wake(news);
    }

    private void run() {
        RetryDelay reconnect = new RetryDelay(50, 1_000); // back within a second of the database
        long nextPoll = 0;
        boolean backlog = false;
        long contended = 0;
        boolean threadBound = false;
        long rateAt = 0; // when a rate's next slot frees (0: none awaited)
        while (!stopping) {
            try {
                if (session.reconnectIfNeeded()) {
                    refreshQueues();
                    pauses.markStale();
                    nextPoll = 0;
                }
                session.checkIfSuspected();
                if (pauses.refreshIfStale(session.connection())) {
                    List<LockedJob> held = buffer.removePaused(pauses); // paused: they stay put, for anyone
                    if (!held.isEmpty()) {
                        session.giveBack(held);
                    }
                    wakeup.markNews();
                }
                session.releasePending();
                if (limited != null && session.limits.takeReleased()) {
                    wakeup.markNews(); // a limited job ended here: its slot or maxRunning place is free
                }
                if (rateAt != 0 && System.nanoTime() - rateAt >= 0) {
                    rateAt = 0;
                    wakeup.markNews(); // a rate's slot is free
                }
                long waitNanos;
                if (lockingStopped) {
                    waitNanos = pollNanos;
                } else {
                    long now = System.nanoTime();
                    if (now - nextPoll >= 0) {
                        if (queues.hasGlobs()) {
                            refreshQueues();
                        }
                        pauses.markStale(); // read at the next turn: a missed notification costs one poll
                        nextPoll = now + pollNanos;
                        wakeup.markNews();
                    }
                    int bufferSize = pace.ahead(); // once per turn: the job threads move it
                    if (limited == null && buffer.size() > 0) {
                        shed(bufferSize);
                    }
                    if (wakeup.takeNews() || backlog) {
                        int capacity = buffer.capacity(bufferSize);
                        // Refill in batches: lock when the buffer is empty or at least half of it is free.
                        if (capacity > 0 && (buffer.size() == 0 || capacity >= (bufferSize + 1) / 2)) {
                            Round r = lockSome(capacity);
                            backlog = r.more();
                            threadBound = r.threadBound();
                            if (r.rateWaitNanos() >= 0) {
                                long at = System.nanoTime() + r.rateWaitNanos();
                                rateAt = rateAt == 0 || at - rateAt < 0 ? at : rateAt;
                            }
                            // No progress although candidates exist: other workers hold them all. Look
                            // again soon (they may die or give them back), not at once, not at the poll.
                            contended = r.locked() > 0 || !r.more() ? 0
                                    : Math.min(CONTENDED_MAX_NANOS, Math.max(CONTENDED_MIN_NANOS, contended * 2));
                            if (!r.more() && buffer.size() == 0) {
                                nextPoll = untilNextDue(nextPoll);
                            }
                        } else {
                            backlog = true; // look again once a thread frees up
                        }
                    }
                    // at least one free place (with no buffer, half of it is 0: never spin on that)
                    boolean room = buffer.capacity(bufferSize) >= Math.max(1, (bufferSize + 1) / 2);
                    // limited jobs waiting for a thread: the thread's wake-up brings the locker back
                    waitNanos = backlog && room && !threadBound ? contended : Math.max(0, nextPoll - System.nanoTime());
                    if (rateAt != 0) {
                        waitNanos = Math.max(0, Math.min(waitNanos, rateAt - System.nanoTime()));
                    }
                }
                await(waitNanos);
                reconnect.reset();
            } catch (InterruptedException e) {
                break;
            } catch (SQLException | RuntimeException | Error e) {
                // An Error (a job elsewhere in this JVM exhausting the heap) may have cut a statement
                // short and left the protocol mid-message: the connection is dropped as if lost.
                if (stopping) {
                    break;
                }
                List<LockedJob> dropped = buffer.clear();
                session.lost(e, reconnect.peek(), dropped);
                backlog = true;
                if (!reconnect.sleep()) {
                    break;
                }
            }
        }
    }

    /** Gives back buffered jobs the threads will not start soon (short jobs gave way to long ones). */
    private void shed(int ahead) {
        int surplus = pace.surplus(buffer.size(), buffer.idle());
        if (surplus > 0) {
            List<LockedJob> back = buffer.removeLast(surplus);
            if (!back.isEmpty()) {
                log.debug("giving back {} buffered jobs: this process's threads will not start them soon (ahead={})",
                        back.size(), ahead);
                session.giveBack(back);
            }
        }
    }

    private void await(long waitNanos) throws InterruptedException {
        wakeup.await(waitNanos, () -> stopping || session.hasPending());
    }

    /** Brings the next poll forward to when the next scheduled job of these queues is due. */
    private long untilNextDue(long nextPoll) throws SQLException {
        Double next = db.nextDue(session.connection(), queues.expand(known));
        if (next == null) {
            return nextPoll;
        }
        long dueAt = System.nanoTime() + Math.max(0, (long) (next * 1e9)) + 1_000_000L;
        return dueAt - nextPoll < 0 ? dueAt : nextPoll;
    }

    private void refreshQueues() throws SQLException {
        if (queues.hasGlobs()) {
            known.addAll(db.queueNames(session.connection()));
        }
    }

    /** Locks up to {@code capacity} jobs and buffers them. */
    private Round lockSome(int capacity) throws SQLException {
        List<String> list = pauses.runnable(queues.expand(known));
        if (list.isEmpty()) {
            drained = !pauses.local(); // queues paused for every worker have nothing runnable; a paused worker waits
            return new Round(0, false);
        }
        // One read: with idle() and maxIdleThreshold() as two calls, a thread taking a job in
        // between left no idle thread, the threshold became Integer.MIN_VALUE, the query found no
        // candidate, and the locker slept a whole poll interval with jobs waiting.
        int threshold = buffer.maxIdleThreshold();
        int maxPriority = threshold == Integer.MIN_VALUE ? WorkerConfig.ANY : Math.min(threshold, WorkerConfig.ANY);
        int candidates = Math.max(capacity * 2, 16);
        // Jobs this process has taken are excluded, whether or not this session holds their locks:
        // session locks are re-entrant, and after a reconnect the running ones may not be locked.
        if (limited != null && limits.anyLimited(list)) {
            LimitedLock.Result r = limited.lock(list, buffer, capacity, maxPriority, candidates);
            drained = r.candidates() == 0 && buffer.size() == 0;
            return new Round(r.locked(), r.more(), r.threadBound(), r.rateWaitNanos());
        }
        TasksDb.Locked round = db.lock(session.connection(), list, maxPriority, new ArrayList<>(session.taken()),
                capacity, candidates);
        long[] ids = round.ids();
        int seen = round.seen();
        drained = seen == 0 && buffer.size() == 0;
        if (ids.length == 0) {
            return new Round(0, seen > 0);
        }
        List<LockedJob> jobs = round.jobs();
        Map<Long, LockedJob> byId = new HashMap<>();
        jobs.forEach(j -> byId.put(j.id(), j));
        List<LockedJob> ordered = new ArrayList<>(jobs.size()); // the lock order: queue list, priority, expected, id
        Set<Long> gone = new LinkedHashSet<>();
        for (long id : ids) {
            LockedJob j = byId.get(id);
            if (j != null) {
                ordered.add(j);
            } else {
                gone.add(id);
            }
        }
        session.locked(byId.keySet(), gone);
        if (!buffer.addAll(ordered)) {
            session.release(new ArrayList<>(byId.keySet()));
            return new Round(0, false);
        }
        // More may be lockable: the candidate window was full, some candidates were not locked
        // (locked by others, or the lock limit was reached), or some were gone at the re-check.
        boolean more = seen >= candidates || seen > ids.length || !gone.isEmpty();
        return new Round(ordered.size(), more);
    }

    /** Stops locking; releases (and gives back) keep being served until {@link #close()}. */
    public void stopLocking() {
        lockingStopped = true;
        wake(false);
    }

    /**
     * Stops the thread, releases every lock still pending release, and closes the connection
     * (which releases any other lock this session still holds).
     */
    @Override
    public void close() {
        lockingStopped = true;
        stopping = true;
        wake(false);
        db.engine().listener().removeObserver(observer);
        db.engine().listener().removeControlObserver(controlObserver);
        waitedOn().forEach(db.engine().listener()::unregister);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        session.close();
    }

    /** For the log: how the locker is configured. */
    @Override
    public String toString() {
        return "Locker[queues=" + queues + ", ahead=" + pace.ahead() + ", taken=" + session.taken().size() + "]";
    }
}
