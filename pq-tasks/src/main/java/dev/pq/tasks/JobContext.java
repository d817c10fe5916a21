package dev.pq.tasks;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;

/**
 * The job being run, as its handler sees it: metadata, the job's own transaction, and what to do
 * with the job when the handler returns.
 *
 * <pre>{@code
 * public void run(Args args, JobContext job) throws SQLException {
 *     insertReceipt(job.connection(), args);   // commits together with the job's completion
 *     job.finish();                            // keep the row as history instead of deleting it
 * }
 * }</pre>
 */
public interface JobContext {
    /** The job id. */
    long id();

    /** The queue. */
    String queue();

    /** The task name. */
    String task();

    /** The priority (lower is more important). */
    int priority();

    /** How many times this job failed before this run. */
    int errorCount();

    /** When it was enqueued. */
    Instant enqueuedAt();

    /**
     * When it became due: its scheduled (or retry) time, else when it was enqueued. The time from
     * here to the run's start is the job's wait. This default (for other implementations) is
     * {@link #enqueuedAt()}.
     */
    default Instant readyAt() {
        return enqueuedAt();
    }

    /**
     * The job's transaction: what the handler writes here commits atomically with the job's
     * completion, or rolls back with its failure (Que's advice for exactly-once effects). Opened
     * on first call; do not commit, roll back or close it.
     */
    Connection connection();

    /** Deletes the job when the handler returns (the default). */
    void destroy();

    /** Keeps the job as history, marked finished, when the handler returns. */
    void finish();

    /**
     * Marks the job failed when the handler returns, without retrying it: it is kept, as a job
     * whose retries are used up is, for inspection and {@code Admin.retryFailed}.
     */
    void fail();

    /** Runs the job again after {@code delay}, without counting an error. */
    void retryIn(Duration delay);
}
