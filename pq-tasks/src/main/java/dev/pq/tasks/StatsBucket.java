package dev.pq.tasks;

import java.time.Duration;
import java.time.Instant;

/**
 * One bucket of the stats over time ({@link Admin#stats}): the runs that ended in it, with the
 * wait (from ready to start) and run-time percentiles. Workers write the buckets in batches at
 * their heartbeat, bucketed by the time each run ended on its worker's clock.
 *
 * @param start     the bucket's start
 * @param size      a minute or an hour
 * @param queue     the queue it covers, or null for every queue
 * @param task      the task it covers, or null for every task
 * @param processed runs that ended (succeeded, failed, or cancelled)
 * @param failed    runs that failed, whether they will be retried or not
 * @param cancelled runs that ended cancelled
 * @param waitTime  from when each job was ready (enqueued, or due) to when its run started
 * @param runTime   how long the runs took
 */
public record StatsBucket(Instant start, Size size, String queue, String task, long processed, long failed,
                          long cancelled, Percentiles waitTime, Percentiles runTime) {
    /** Bucket sizes: minute buckets are kept a day, hour buckets 30 days, by default. */
    public enum Size {
        MINUTE(Duration.ofMinutes(1)), HOUR(Duration.ofHours(1));

        private final Duration length;

        Size(Duration length) {
            this.length = length;
        }

        /** The bucket's length. */
        public Duration length() {
            return length;
        }
    }

    /**
     * Percentiles of durations, each the upper bound of the histogram bin it falls in: at most
     * 41% above the true value (bins are half an octave wide), never below it.
     *
     * @param count how many durations
     * @param p50   the median
     * @param p95   the 95th percentile
     * @param p99   the 99th percentile
     */
    public record Percentiles(long count, Duration p50, Duration p95, Duration p99) {
    }
}
