package dev.pq.tasks.spi;

import dev.pq.tasks.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What happens after a job's handler fails: run it again after a delay, or give up and mark it
 * failed (Que's per-class {@code retry_interval} and {@code handle_error}). A task gets one from
 * its {@code @Task} attributes ({@code maxRetries}, {@code backoff}, {@code retryIn},
 * {@code jitter}); {@code @Task(retryPolicy = ...)} or an implementation object that itself
 * implements {@code RetryPolicy} replaces that rule for its tasks.
 *
 * <pre>{@code
 * public final class Billing implements JobHandler<Charge>, RetryPolicy {
 *     public void run(Charge c, JobContext job) { ... }
 *
 *     public Duration next(int errorCount, Throwable error) {
 *         if (error instanceof CardDeclinedException) {
 *             return null;                                    // no use retrying: failed now
 *         }
 *         return errorCount > 10 ? null : RetryPolicy.exponential(Duration.ofSeconds(5), Duration.ofHours(1), 0.2)
 *                 .next(errorCount, error);
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface RetryPolicy {
    /**
     * The wait before the next try, or {@code null} to mark the job failed now.
     *
     * @param errorCount how many times the job has failed, counting this failure (1 for the first)
     * @param error      what the handler threw
     */
    Duration next(int errorCount, Throwable error);

    /**
     * The rule {@code @Task} describes: retry up to {@code maxRetries} times with {@code backoff}
     * ({@code retryIn} for {@link Backoff#FIXED}), each delay spread at random by up to
     * ± {@code jitter} of itself (0 to 1), so many jobs failing together do not all come back in
     * the same instant.
     */
    static RetryPolicy of(int maxRetries, Backoff backoff, Duration retryIn, double jitter) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
        }
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(retryIn, "retryIn");
        checkJitter(jitter);
        return (errorCount, error) -> errorCount > maxRetries ? null
                : jittered(backoff.delay(errorCount, retryIn), jitter);
    }

    /**
     * Oban's default shape: {@code base * 2^(errorCount - 1)}, at most {@code max}, spread by up to
     * ± {@code jitter}; retries for ever (wrap it to give up).
     */
    static RetryPolicy exponential(Duration base, Duration max, double jitter) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        checkJitter(jitter);
        return (errorCount, error) -> {
            int shift = Math.min(Math.max(errorCount - 1, 0), 40);
            Duration d = base.toNanos() > (max.toNanos() >> shift) ? max : base.multipliedBy(1L << shift);
            return jittered(d.compareTo(max) > 0 ? max : d, jitter);
        };
    }

    /** {@code delay} spread at random by up to ± {@code jitter} of itself (never below zero). */
    static Duration jittered(Duration delay, double jitter) {
        if (jitter == 0 || delay.isZero()) {
            return delay;
        }
        double f = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofNanos(Math.max(0, (long) (delay.toNanos() * f)));
    }

    private static void checkJitter(double jitter) {
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1 (a fraction of the delay): " + jitter);
        }
    }
}
