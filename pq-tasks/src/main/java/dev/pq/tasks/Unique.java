package dev.pq.tasks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a task's jobs unique (River's unique jobs, Oban's {@code unique}, graphile-worker's
 * {@code job_key}): its key is the task name plus its arguments (all, or those named in
 * {@link #by()}), and an enqueue whose key is held by another job does what {@link #onDuplicate()}
 * says instead of adding a second job. Put it next to {@link Task}; {@link Enqueue#uniqueKey(String)}
 * gives a key per call instead (and works for tasks without this annotation).
 *
 * <pre>{@code
 * public interface Billing {
 *     @Task(queue = "billing")
 *     @Unique(by = "invoiceId")                          // one waiting or running job per invoice
 *     void charge(long invoiceId, String note);
 *
 *     @Task @Unique(period = "1h")                        // at most one report an hour
 *     void hourlyReport();
 * }
 * }</pre>
 *
 * <p>The database enforces the key: a unique partial index for {@link Scope#WAITING} and
 * {@link Scope#WAITING_OR_RUNNING}, a claim row taken under its row lock for a period. Two enqueues
 * racing in any number of processes and transactions never both hold a key; an enqueue in a
 * transaction that rolls back holds it only until the rollback.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Unique {
    /**
     * The arguments that make the key: parameter names of a {@code @Task} method (the class must be
     * compiled with {@code -parameters}), or property names of a job class's argument object; empty
     * for all arguments.
     */
    String[] by() default {};

    /** How long a job holds its key; ignored when {@link #period()} is given. */
    Scope scope() default Scope.WAITING_OR_RUNNING;

    /**
     * Holds the key for this long after the enqueue, whatever happens to the job ({@code 1h},
     * {@code 30m}): River's {@code ByPeriod}, Oban's {@code period}. Empty for {@link #scope()}.
     */
    String period() default "";

    /** What an enqueue of a held key does. */
    OnDuplicate onDuplicate() default OnDuplicate.RETURN_EXISTING;

    /** How long a job holds its unique key. */
    enum Scope {
        /**
         * While it waits (scheduled or ready): released when a worker starts it, so one more may be
         * enqueued while it runs (a retry of it does not take the key back).
         */
        WAITING,
        /** While it waits or runs: released when it finishes, fails for good or is cancelled. */
        WAITING_OR_RUNNING,
        /** For a period after the enqueue, whatever the job does ({@link Enqueue#uniqueFor}). */
        PERIOD
    }

    /** What an enqueue whose key is held does. */
    enum OnDuplicate {
        /** Adds nothing; returns the existing job's id, with {@link Enqueued#duplicate()} true. */
        RETURN_EXISTING,
        /**
         * Replaces the waiting job's arguments, priority and times with this enqueue's (graphile-
         * worker's replace mode); a job already running is left alone and returned as a duplicate.
         */
        REPLACE,
        /** Throws {@link DuplicateJobException} naming the key and the existing job. */
        RAISE
    }
}
