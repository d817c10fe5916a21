package dev.pq.tasks;

import java.time.Duration;

/**
 * How long a failed job waits before its next try.
 *
 * <pre>{@code
 * @Task(maxRetries = 10, backoff = Backoff.QUE)   // 4 s, 19 s, 84 s, 259 s, ...
 * void sync(long accountId);
 * }</pre>
 */
public enum Backoff {
    /** Fixed for {@code @Task} methods, {@link #QUE} for job classes. */
    DEFAULT,
    /** Always the task's {@code retryIn}. */
    FIXED,
    /** Que's: {@code errorCount^4 + 3} seconds, where errorCount counts this failure. */
    QUE;

    /** Que's delay is capped at ten years, so a job failing for ever never overflows a timestamp. */
    private static final long MAX_SECONDS = 10L * 365 * 24 * 3600;

    /** The delay before the next try after the {@code errorCount}-th failure. */
    public Duration delay(int errorCount, Duration retryIn) {
        if (this == QUE) {
            long n = Math.min(errorCount, 1_000);
            return Duration.ofSeconds(Math.min(n * n * n * n + 3, MAX_SECONDS));
        }
        return retryIn;
    }
}
