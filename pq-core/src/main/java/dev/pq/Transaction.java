package dev.pq;

import dev.pq.internal.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A transaction scope on one queue: take jobs, do the work, write your own rows on
 * {@link #connection()}, and {@link #commit()} — the jobs' removal and your writes are saved
 * together. Closing without commit, or an exception, rolls everything back and the jobs are
 * available to other getters at once. Not thread-safe: one scope belongs to one thread. Many
 * scopes can take jobs from the same queue at the same time.
 *
 * <pre>{@code
 * try (Transaction<Object> tx = queue.transaction()) {
 *     Optional<Job<Object>> job = tx.get();
 *     if (job.isPresent()) {
 *         try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO eaten VALUES (?)")) {
 *             ps.setString(1, job.get().data().toString());
 *             ps.executeUpdate();
 *         }
 *     }
 *     tx.commit();
 * }
 * }</pre>
 *
 * @param <T> the payload type
 */
public final class Transaction<T> implements AutoCloseable {
    private final Queue<T> queue;
    private final Engine engine;
    private final Connection connection;
    private final List<Job<T>> taken = new ArrayList<>();
    private boolean ended;

    Transaction(Queue<T> queue, Engine engine) {
        this.queue = queue;
        this.engine = engine;
        Connection c = engine.acquire();
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw engine.translate(e, "opening a transaction on queue \"" + queue.name() + "\"");
        }
        this.connection = c;
    }

    /** Takes the next ready job inside this transaction, waiting up to the default timeout. */
    public Optional<Job<T>> get() {
        return get(engine.defaultTimeout());
    }

    /** Takes the next ready job inside this transaction, waiting up to {@code timeout}. */
    public Optional<Job<T>> get(Duration timeout) {
        checkActive();
        Optional<Job<T>> job = queue.take(connection, timeout);
        job.ifPresent(taken::add);
        return job;
    }

    /** Takes the next ready job inside this transaction without waiting. */
    public Optional<Job<T>> poll() {
        return get(Duration.ZERO);
    }

    /**
     * Replaces the data of a job taken in this transaction (pq's {@code job.data = ...}), in this
     * transaction: the new data is saved by {@link #commit()} and discarded by a rollback, which
     * puts the job back with its old data. Returns the job with the new data and size; {@link #jobs()}
     * lists it so. Only a queue that keeps history has a row left to update:
     * <pre>{@code
     * try (Transaction<Object> tx = pq.queue("apples").keepHistory(true).transaction()) {
     *     tx.get().ifPresent(job -> tx.update(job, Map.of("kind", "Cox", "eaten", true)));
     *     tx.commit();   // the kept row shows the new data
     * }
     * }</pre>
     *
     * @throws IllegalStateException if the queue does not keep history (its get deleted the row)
     * @throws IllegalArgumentException if {@code job} was not taken in this transaction
     */
    public Job<T> update(Job<T> job, T data) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(data, "data must not be null (queue \"" + queue.name() + "\")");
        checkActive();
        if (!queue.keepsHistory()) {
            throw new IllegalStateException("job " + job.id() + " cannot be updated: queue \"" + queue.name()
                    + "\" does not keep history, so its get deleted the row; use queue.keepHistory(true)"
                    + " or PQ.builder().keepHistory(true)");
        }
        int i = indexOf(job.id());
        if (i < 0) {
            throw new IllegalArgumentException("job " + job.id() + " was not taken in this transaction on queue \""
                    + queue.name() + "\"");
        }
        int size;
        try {
            size = engine.updateKept(connection, queue.name(), job.id(), queue.serializer().format(), queue.encode(data));
            if (size < 0) {
                throw new PQException("job " + job.id() + " of queue \"" + queue.name() + "\" has no kept row to update"
                        + " on table " + engine.sql().display + " (deleted by someone else?)");
            }
        } catch (SQLException e) {
            throw engine.translate(e, "updating job " + job.id() + " of queue \"" + queue.name() + "\"");
        }
        Job<T> old = taken.get(i);
        Job<T> updated = new Job<>(old.id(), old.queue(), data, size, old.enqueuedAt(), old.scheduleAt(),
                old.expectedAt());
        taken.set(i, updated);
        return updated;
    }

    private int indexOf(long id) {
        for (int i = 0; i < taken.size(); i++) {
            if (taken.get(i).id() == id) {
                return i;
            }
        }
        return -1;
    }

    /** The jobs taken so far in this transaction. */
    public List<Job<T>> jobs() {
        return List.copyOf(taken);
    }

    /**
     * The transaction's connection, for the caller's own SQL. Do not commit, roll back or close
     * it: use {@link #commit()}, {@link #rollback()} and {@link #close()}.
     */
    public Connection connection() {
        checkActive();
        return connection;
    }

    /** Commits: the taken jobs are removed (or kept as history) and the caller's writes saved, atomically. */
    public void commit() {
        checkActive();
        ended = true;
        try {
            connection.commit();
        } catch (SQLException e) {
            throw engine.translate(e, "commit on queue \"" + queue.name() + "\"");
        } finally {
            release();
        }
    }

    /** Rolls back: the taken jobs are available again at once, the caller's writes discarded. */
    public void rollback() {
        checkActive();
        end();
    }

    /**
     * Rolls back unless {@link #commit()} or {@link #rollback()} was called. Safe to call again,
     * and after the PQ was closed.
     */
    @Override
    public void close() {
        if (!ended) {
            end();
        }
    }

    private void end() {
        ended = true;
        try {
            connection.rollback();
            if (!taken.isEmpty() && !engine.isClosed()) {
                connection.setAutoCommit(true);
                engine.notify(connection, queue.name()); // waiters may take the jobs back now
            }
        } catch (SQLException e) {
            // A closed PQ (its pool took the connection away) or a broken connection (a killed
            // backend, a network failure) means the server has rolled back already: nothing to report.
            if (!engine.isClosed() && !broken(e)) {
                throw engine.translate(e, "rollback on queue \"" + queue.name() + "\"");
            }
        } finally {
            release();
        }
    }

    private boolean broken(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("57P01"))) {
            return true;
        }
        try {
            return connection.isClosed() || !connection.isValid(1);
        } catch (SQLException unusable) {
            return true;
        }
    }

    private void checkActive() {
        if (ended) {
            throw new IllegalStateException("the transaction on queue \"" + queue.name() + "\" has already ended");
        }
        engine.checkOpen();
    }

    private void release() {
        try {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it on close
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing more to release
        }
    }
}
