package dev.pq;

import java.util.Objects;

/**
 * One queue of a table as {@link PQ#queues()} sees it.
 *
 * <pre>{@code
 * for (QueueInfo q : pq.queues()) {
 *     log.info("{}: {} ready, {} scheduled", q.name(), q.ready(), q.scheduled());
 * }
 * }</pre>
 *
 * @param name      the queue name
 * @param ready     jobs that a get could take now
 * @param scheduled jobs whose scheduleAt is still in the future
 */
public record QueueInfo(String name, long ready, long scheduled) {

    /** Validates the fields. */
    public QueueInfo {
        Objects.requireNonNull(name, "name");
        if (ready < 0 || scheduled < 0) {
            throw new IllegalArgumentException("counts must be >= 0: ready=" + ready + ", scheduled=" + scheduled);
        }
    }
}
