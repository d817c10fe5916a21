package dev.pq.tasks;

import java.time.Instant;
import java.util.Objects;

/**
 * A paused queue (Resque's pause): its jobs stay put and can still be enqueued, but no worker
 * starts them until it is resumed. {@link #ALL} stands for every queue.
 *
 * @param queue the queue's name, or {@code *} for every queue
 * @param since when it was paused (database time)
 */
public record PausedQueue(String queue, Instant since) {
    /** The name that pauses (and resumes) every queue. */
    public static final String ALL = "*";

    public PausedQueue {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(since, "since");
    }
}
