package dev.pq.tasks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a task: a method of an interface (pq's tasks), or a {@link JobHandler} class (Que's job
 * classes), with its defaults. Every attribute is optional.
 *
 * <pre>{@code
 * public interface Orchard {
 *     @Task(queue = "apples", scheduleAt = "1h", maxRetries = 2, retryIn = "10s")
 *     void eat(String kind);
 * }
 *
 * @Task(priority = 10, scheduleAt = "1m", maxRetries = 5, backoff = Backoff.QUE)
 * public class ChargeCreditCard implements JobHandler<Charge> { ... }
 * }</pre>
 *
 * <h2>Names</h2>
 * A task is stored and found by its name. {@link #name()} sets it; the default is
 * {@code SimpleTypeName.method} for a method ({@code Orchard.eat}) and {@code SimpleClassName} for
 * a job class ({@code ChargeCreditCard}). The default survives moving the type to another package,
 * but not renaming the type or method: give a {@code name} to any task whose jobs may outlive a
 * rename. Two tasks with the same name are refused when registered.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Task {
    /** The stable name; empty for the default described above. */
    String name() default "";

    /** The queue; empty for {@code default}. */
    String queue() default "";

    /** When jobs become ready, as a delay ({@code 30s}, {@code 5m}, {@code 1h30m}); empty for at once. */
    String scheduleAt() default "";

    /** When jobs are expected done, as a delay; empty for no expectation. */
    String expectedAt() default "";

    /** Priority, lower is more important (Que's scale); default 100. */
    int priority() default 100;

    /**
     * How many times a failed job is retried before it is marked failed; -1 for the default: 0
     * for methods (pq), 15 for job classes (Que).
     */
    int maxRetries() default -1;

    /** The fixed delay between retries ({@link Backoff#FIXED}); empty for 30s. */
    String retryIn() default "";

    /** The retry delay rule; {@link Backoff#DEFAULT}: fixed for methods, Que's for job classes. */
    Backoff backoff() default Backoff.DEFAULT;

    /**
     * Spreads each retry delay at random by up to this fraction of itself, ± (0 to 1; default 0):
     * with {@code 0.1}, a 30 s delay becomes 27 to 33 s, so jobs that failed together (a dependency
     * down) do not all come back in the same instant.
     */
    double jitter() default 0;

    /**
     * A class deciding retries instead of {@code maxRetries}, {@code backoff}, {@code retryIn} and
     * {@code jitter} (it needs a public no-argument constructor); {@code RetryPolicy.class} for none.
     */
    Class<? extends dev.pq.tasks.spi.RetryPolicy> retryPolicy() default dev.pq.tasks.spi.RetryPolicy.class;

    /** The per-job run-time limit (e.g. {@code 5m}); empty for the worker's default. */
    String timeout() default "";

    /**
     * The argument whose value is the job's group, for concurrency limits per group (a tenant id,
     * an account): a parameter name of a method (compiled with {@code -parameters}) or a property of
     * a job class's argument object; empty for none. {@link Enqueue#group(String)} overrides it.
     */
    String group() default "";
}
