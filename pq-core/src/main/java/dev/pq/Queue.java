package dev.pq;

import dev.pq.internal.Engine;
import dev.pq.internal.Engine.Dequeued;
import dev.pq.internal.Identifiers;
import dev.pq.internal.Signal;
import dev.pq.internal.Sql;
import dev.pq.internal.When;
import dev.pq.spi.Serializer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A named queue: a handle on the rows of one queue name in the {@link PQ}'s table. Handles are
 * cheap, cached by {@link PQ#queue(String)} and thread-safe.
 *
 * <pre>{@code
 * Queue<Object> apples = pq.queue("apples");
 * apples.put(Map.of("kind", "Cox"));                    // ready now
 * apples.put(Map.of("kind", "Arthur Turner"), "5m");    // ready in five minutes
 * apples.put(Map.of("kind", "Golden Delicious"), null, "2m"); // wanted within two minutes: goes first
 *
 * Optional<Job<Object>> job = apples.get();             // waits up to the default timeout (1 s)
 *
 * try (Transaction<Object> tx = apples.transaction()) { // get, work, write, commit
 *     tx.get().ifPresent(j -> eat(tx.connection(), j.data()));
 *     tx.commit();                                      // no commit: the job goes back
 * }
 * }</pre>
 *
 * <h2>Order</h2>
 * A job is ready once its {@code scheduleAt} has passed (at once if it has none). Among ready
 * jobs, the earliest {@code expectedAt} goes first; jobs without one come after all jobs with one;
 * ties go first-in first-out by id. (Python pq orders by scheduleAt first; here scheduleAt only
 * decides readiness.)
 *
 * <h2>Removal</h2>
 * {@link #get()} deletes the job's row as it hands the job out: at most once. A
 * {@link #transaction()} deletes it when the transaction commits: the job's work and its removal
 * are one atomic step, and a rollback (or a crash) makes it available again at once. Under
 * {@link #keepHistory(boolean)} (or {@link PQ.Builder#keepHistory(boolean)}) the row is kept
 * instead, marked {@code dequeued_at} and {@code finished_at}, never handed out again.
 *
 * <h2>Times</h2>
 * Times are an {@link Instant}, a {@link Duration} from now, or text: {@code 30s}, {@code 5m},
 * {@code 1h30m}, {@code 2d}, {@code 250ms}, {@code 1w}, ISO-8601 durations ({@code PT5M}) and
 * ISO-8601 times ({@code 2026-11-21T16:22:06Z}). Relative times are taken from the database's
 * clock, which also decides readiness.
 *
 * @param <T> the payload type
 */
public final class Queue<T> implements Iterable<Job<T>> {
    private static final long NANOS_PER_MS = 1_000_000L;
    private static final int MAX_CANDIDATES = 1024;

    private final Engine engine;
    private final String name;
    private final Serializer<T> serializer;
    private final boolean keep;

    Queue(Engine engine, String name, Serializer<T> serializer, boolean keep) {
        this.engine = engine;
        this.name = Identifiers.queueName(name);
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.keep = keep;
    }

    /**
     * This queue with gets that keep the job's row ({@code true}: pq's {@code dequeued_at} and
     * {@code finished_at} are set, in the same one statement, for retention to prune) or delete it
     * ({@code false}). A new handle; this one is unchanged. See {@link Transaction#update}.
     */
    public Queue<T> keepHistory(boolean keep) {
        return keep == this.keep ? this : new Queue<>(engine, name, serializer, keep);
    }

    /** True if a get keeps the job's row as history instead of deleting it. */
    public boolean keepsHistory() {
        return keep;
    }

    /** The queue name. */
    public String name() {
        return name;
    }

    /** The serializer of this handle. */
    public Serializer<T> serializer() {
        return serializer;
    }

    // ---- put ---------------------------------------------------------------------------------

    /** Enqueues a job ready now; returns its id. */
    public long put(T data) {
        return put(null, data, When.NONE, When.NONE);
    }

    /** Enqueues a job ready at {@code scheduleAt} (null: now). */
    public long put(T data, Instant scheduleAt) {
        return put(null, data, When.of(scheduleAt), When.NONE);
    }

    /** Enqueues a job ready after {@code scheduleIn} (null: now). */
    public long put(T data, Duration scheduleIn) {
        return put(null, data, When.of(scheduleIn), When.NONE);
    }

    /** Enqueues a job ready at a time given as text ({@code "5m"}, an ISO-8601 time; null: now). */
    public long put(T data, String scheduleAt) {
        return put(null, data, When.parse("scheduleAt", scheduleAt), When.NONE);
    }

    /** Enqueues a job with a ready time and an expected time (either may be null). */
    public long put(T data, Instant scheduleAt, Instant expectedAt) {
        return put(null, data, When.of(scheduleAt), When.of(expectedAt));
    }

    /** Enqueues a job ready after {@code scheduleIn}, expected within {@code expectedIn} (either may be null). */
    public long put(T data, Duration scheduleIn, Duration expectedIn) {
        return put(null, data, When.of(scheduleIn), When.of(expectedIn));
    }

    /** Enqueues a job with times as text, e.g. {@code put(x, "1h", "2h")} (either may be null). */
    public long put(T data, String scheduleAt, String expectedAt) {
        return put(null, data, When.parse("scheduleAt", scheduleAt), When.parse("expectedAt", expectedAt));
    }

    /**
     * Enqueues a job in the caller's transaction: getters see it only once {@code connection}
     * commits, and a rollback removes it. pq does not commit or close the connection.
     * (On a {@code Queue<Object>}, {@code put(connection, "text")} is ambiguous with
     * {@link #put(Object, String)}: write {@code put(connection, (Object) "text")}.)
     */
    public long put(Connection connection, T data) {
        return put(Objects.requireNonNull(connection, "connection"), data, When.NONE, When.NONE);
    }

    /** {@link #put(Connection, Object)} with a ready time and an expected time (either may be null). */
    public long put(Connection connection, T data, Instant scheduleAt, Instant expectedAt) {
        return put(Objects.requireNonNull(connection, "connection"), data, When.of(scheduleAt), When.of(expectedAt));
    }

    /** {@link #put(Connection, Object)} with times as text (either may be null). */
    public long put(Connection connection, T data, String scheduleAt, String expectedAt) {
        return put(Objects.requireNonNull(connection, "connection"), data, When.parse("scheduleAt", scheduleAt),
                When.parse("expectedAt", expectedAt));
    }

    private long put(Connection connection, T data, When schedule, When expected) {
        Objects.requireNonNull(data, "data must not be null (queue \"" + name + "\")");
        engine.checkOpen();
        byte[] payload = encode(data);
        try {
            if (connection != null) {
                return engine.put(connection, name, serializer.format(), payload, schedule, expected);
            }
            try (Connection c = engine.acquire()) {
                return engine.put(c, name, serializer.format(), payload, schedule, expected);
            }
        } catch (SQLException e) {
            throw engine.translate(e, "put to queue \"" + name + "\"");
        }
    }

    /**
     * Enqueues many jobs, ready now, in one statement (one round trip, one notification). All or
     * none are written. Returns their ids in the order given.
     */
    public long[] putAll(Collection<? extends T> items) {
        return putAll(null, items);
    }

    /** {@link #putAll(Collection)} in the caller's transaction (visible when it commits). */
    public long[] putAll(Connection connection, Collection<? extends T> items) {
        Objects.requireNonNull(items, "items");
        engine.checkOpen();
        List<byte[]> payloads = new ArrayList<>(items.size());
        int i = 0;
        for (T item : items) {
            Objects.requireNonNull(item, () -> "items[" + payloads.size() + "] must not be null (queue \"" + name + "\")");
            payloads.add(encode(item));
            i++;
        }
        if (payloads.isEmpty()) {
            return new long[0];
        }
        try {
            if (connection != null) {
                return engine.putAll(connection, name, serializer.format(), payloads, When.NONE, When.NONE);
            }
            try (Connection c = engine.acquire()) {
                return engine.putAll(c, name, serializer.format(), payloads, When.NONE, When.NONE);
            }
        } catch (SQLException e) {
            throw engine.translate(e, "putAll of " + i + " jobs to queue \"" + name + "\"");
        }
    }

    byte[] encode(T data) {
        try {
            byte[] b = serializer.encode(data);
            if (b == null) {
                throw new IllegalStateException("the serializer returned null");
            }
            return b;
        } catch (Exception e) {
            throw new SerializationException(name, null, serializer.type(), e);
        }
    }

    // ---- get ---------------------------------------------------------------------------------

    /** Takes the next ready job, waiting up to the PQ's default timeout; empty on timeout. */
    public Optional<Job<T>> get() {
        return get(engine.defaultTimeout());
    }

    /**
     * Takes the next ready job, waiting up to {@code timeout} (woken by LISTEN/NOTIFY, and when
     * the earliest scheduled job falls due); empty on timeout, or if the thread is interrupted
     * (its interrupt flag stays set). The job's row is deleted (or kept) as it is handed out.
     */
    public Optional<Job<T>> get(Duration timeout) {
        return take(null, timeout);
    }

    /** Takes the next ready job without waiting; empty if there is none. */
    public Optional<Job<T>> poll() {
        return take(null, Duration.ZERO);
    }

    /** Opens a transaction scope on a connection of its own; see {@link Transaction}. */
    public Transaction<T> transaction() {
        return new Transaction<>(this, engine);
    }

    /**
     * Takes one job: on {@code txConnection} (inside its transaction) or, if null, on a pooled
     * connection per attempt, released while waiting.
     */
    Optional<Job<T>> take(Connection txConnection, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0: " + timeout);
        }
        engine.checkOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        Signal signal = null;
        try {
            if (!timeout.isZero()) {
                engine.listener().ensureStarted();
                signal = engine.listener().enter(name); // registered (committed) before the first look below
            }
            int candidates = Sql.DEFAULT_CANDIDATES;
            long contended = 0;
            while (true) {
                engine.checkOpen();
                Dequeued d = attempt(txConnection, candidates);
                if (d.found()) {
                    if (signal != null && d.seen() > 1) {
                        signal.wakeOne(); // more work behind this job: let the next waiter have it
                    }
                    return Optional.of(decode(txConnection, d));
                }
                long waitNs;
                if (d.picked()) {
                    continue; // locked a job another session removed a moment ago: look again
                } else if (d.seen() > 0 && d.seen() >= candidates && candidates < MAX_CANDIDATES) {
                    candidates *= 2; // every candidate is locked: look further down the queue
                    continue;
                } else if (d.seen() > 0) {
                    // Ready jobs exist but others hold them; they come back on rollback (notified)
                    // or when their session dies (not notified): check again soon.
                    contended = contended == 0 ? 50 * NANOS_PER_MS : Math.min(contended * 2, engine.pollInterval().toNanos());
                    waitNs = contended;
                } else {
                    contended = 0;
                    waitNs = engine.pollInterval().toNanos();
                    if (d.nextIn() != null) {
                        waitNs = Math.min(waitNs, Math.max(0, (long) (d.nextIn() * 1e9)) + NANOS_PER_MS);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || signal == null) {
                    return Optional.empty();
                }
                signal.await(Math.min(waitNs, left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (signal != null) {
                engine.listener().exit(name);
            }
        }
    }

    private Dequeued attempt(Connection txConnection, int candidates) {
        try {
            if (txConnection != null) {
                return engine.dequeue(txConnection, name, candidates, keep);
            }
            try (Connection c = engine.acquire()) {
                return engine.dequeue(c, name, candidates, keep);
            }
        } catch (SQLException e) {
            throw engine.translate(e, "get from queue \"" + name + "\"");
        }
    }

    private Job<T> decode(Connection txConnection, Dequeued d) {
        byte[] payload = d.payload();
        try {
            T data = serializer.decode(payload);
            return new Job<>(d.id(), name, data, payload.length, d.enqueuedAt(), d.scheduleAt(), d.expectedAt());
        } catch (Exception e) {
            SerializationException failure = new SerializationException(name, d.id(), serializer.type(), e);
            try {
                if (txConnection != null) {
                    engine.restore(txConnection, name, d, keep);
                } else {
                    try (Connection c = engine.acquire()) {
                        engine.restore(c, name, d, keep);
                    }
                }
            } catch (SQLException | RuntimeException restoreFailure) {
                failure.addSuppressed(restoreFailure);
            }
            throw failure;
        }
    }

    // ---- iteration -----------------------------------------------------------------------------

    /**
     * Iterates over jobs as they become ready, each taken as by {@link #get()}. {@code hasNext()}
     * blocks until a job is ready; the iteration ends only when the PQ is closed or the thread is
     * interrupted. To stop once the queue stays idle (pq's {@code None}), iterate
     * {@link #untilIdle(Duration)} instead, or {@code break}.
     */
    @Override
    public Iterator<Job<T>> iterator() {
        return new QueueIterator<>(this, engine, null);
    }

    /**
     * Iterates like {@link #iterator()} but ends once no job has been ready for {@code idle}:
     * <pre>{@code
     * for (Job<Object> job : queue.untilIdle(Duration.ofSeconds(1))) {
     *     eat(job.data());
     * }   // here the queue has been empty for a second
     * }</pre>
     */
    public Iterable<Job<T>> untilIdle(Duration idle) {
        Objects.requireNonNull(idle, "idle");
        if (idle.isNegative()) {
            throw new IllegalArgumentException("idle must be >= 0: " + idle);
        }
        return () -> new QueueIterator<>(this, engine, idle);
    }

    // ---- inspection ----------------------------------------------------------------------------

    /**
     * The number of jobs ready now (pq's {@code len(queue)}): jobs scheduled for later are not
     * counted until they are due; {@link PQ#queues()} gives both counts.
     */
    public long size() {
        engine.checkOpen();
        return engine.count(engine.sql().size, name);
    }

    /** Deletes every job of this queue; returns how many. */
    public long clear() {
        engine.checkOpen();
        return engine.count(engine.sql().clear, name);
    }

    /** Deletes one job of this queue by id (for example a payload that cannot be decoded). */
    public boolean delete(long id) {
        engine.checkOpen();
        return engine.delete(name, id);
    }

    @Override
    public String toString() {
        return "Queue[" + name + ", " + engine.sql().display + ", " + serializer.type() + (keep ? ", keepHistory]" : "]");
    }
}
