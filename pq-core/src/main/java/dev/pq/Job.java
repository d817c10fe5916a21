package dev.pq;

import java.time.Instant;
import java.util.Objects;

/**
 * A job taken from a queue: its payload and the metadata pq stored with it.
 *
 * <pre>{@code
 * queue.get().ifPresent(job -> {
 *     log.info("{}", job);  // Job[id=77709, queue=apples, size=18, enqueuedAt=..., scheduleAt=null, expectedAt=null]
 *     eat(job.data());
 * });
 * }</pre>
 *
 * @param id          the job's id, unique in its table and increasing in enqueue order
 * @param queue       the queue name
 * @param data        the decoded payload
 * @param size        the number of bytes of the stored payload
 * @param enqueuedAt  when the job was enqueued (database clock)
 * @param scheduleAt  when it became ready, or null if it was ready at once
 * @param expectedAt  when it was expected to be done, or null if it carries no expectation
 * @param <T>         the payload type
 */
public record Job<T>(long id, String queue, T data, int size, Instant enqueuedAt, Instant scheduleAt,
                     Instant expectedAt) {

    /** Validates the fields. */
    public Job {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + size);
        }
    }

    /**
     * The metadata, without the payload:
     * {@code Job[id=77709, queue=apples, size=18, enqueuedAt=2026-11-21T16:22:06Z, scheduleAt=null, expectedAt=null]}.
     */
    @Override
    public String toString() {
        return "Job[id=" + id + ", queue=" + queue + ", size=" + size + ", enqueuedAt=" + enqueuedAt
                + ", scheduleAt=" + scheduleAt + ", expectedAt=" + expectedAt + "]";
    }
}
