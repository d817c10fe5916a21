package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import dev.pq.tasks.JobContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** The {@link JobContext} of one run: the outcome the handler chose and its lazily opened transaction. */
public final class Context implements JobContext {
    /** What to do with the job after a normal return. */
    public enum Outcome { DESTROY, FINISH, FAIL, RETRY }

    private final LockedJob job;
    private final Engine engine;
    private final Connection given;
    private volatile Connection opened;
    private Outcome outcome = Outcome.DESTROY;
    private Duration retryDelay;
    /** Called once, just before the handler itself (limits: a rate records the start); null for none. */
    private Runnable onStart;

    /**
     * @param given a connection whose transaction the caller owns (inline enqueue in a transaction),
     *              or null to open one of its own on first use
     */
    public Context(LockedJob job, Engine engine, Connection given) {
        this.job = job;
        this.engine = engine;
        this.given = given;
    }

    public LockedJob job() {
        return job;
    }

    @Override
    public long id() {
        return job.id();
    }

    @Override
    public String queue() {
        return job.queue();
    }

    @Override
    public String task() {
        return job.task();
    }

    @Override
    public int priority() {
        return job.priority();
    }

    @Override
    public int errorCount() {
        return job.errorCount();
    }

    @Override
    public Instant enqueuedAt() {
        return job.enqueuedAt();
    }

    @Override
    public Instant readyAt() {
        return job.readyAt() != null ? job.readyAt() : job.enqueuedAt();
    }

    @Override
    public Connection connection() {
        if (given != null) {
            return given;
        }
        Connection c = opened;
        if (c == null) {
            c = engine.acquire();
            try {
                c.setAutoCommit(false);
            } catch (SQLException e) {
                close(c);
                throw engine.translate(e, "opening the transaction of job " + job.id());
            }
            opened = c;
        }
        return c;
    }

    /** The transaction this context opened, or null if the handler never asked for one. */
    public Connection opened() {
        return opened;
    }

    @Override
    public void destroy() {
        outcome = Outcome.DESTROY;
    }

    @Override
    public void finish() {
        outcome = Outcome.FINISH;
    }

    @Override
    public void fail() {
        outcome = Outcome.FAIL;
    }

    @Override
    public void retryIn(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("retry delay must be >= 0: " + delay);
        }
        outcome = Outcome.RETRY;
        retryDelay = delay;
    }

    public Outcome outcome() {
        return outcome;
    }

    public Duration retryDelay() {
        return retryDelay;
    }

    /** Rolls back and closes the opened transaction, if any. */
    public void rollbackQuietly() {
        Connection c = opened;
        opened = null;
        if (c != null) {
            try {
                c.rollback();
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // a broken connection: the pool discards it
            }
            close(c);
        }
    }

    /** Aborts the opened connection from another thread (a runaway job's writes are rolled back). */
    public void abort() {
        Connection c = opened;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException ignored) {
                // already gone
            }
        }
    }

    /** Returns the opened connection (after commit) to the pool. */
    public void release() {
        Connection c = opened;
        opened = null;
        if (c != null) {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // broken: discarded by the pool
            }
            close(c);
        }
    }

    /** Sets what runs just before the handler is called. */
    void onStart(Runnable r) {
        this.onStart = r;
    }

    /** The handler is about to be called. */
    void starting() {
        Runnable r = onStart;
        if (r != null) {
            onStart = null;
            r.run();
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing more to release
        }
    }

    @Override
    public String toString() {
        return "Job[id=" + job.id() + ", queue=" + job.queue() + ", task=" + job.task() + "]";
    }
}
