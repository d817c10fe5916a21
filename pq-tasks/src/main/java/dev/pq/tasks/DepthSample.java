package dev.pq.tasks;

import java.time.Instant;

/**
 * A queue's depth at one moment ({@link Admin#depth}), sampled once a minute by one worker.
 *
 * @param at        the minute (or hour) sampled
 * @param queue     the queue
 * @param ready     pending jobs that were due (waiting, or running)
 * @param scheduled pending jobs scheduled for later (retries included)
 */
public record DepthSample(Instant at, String queue, long ready, long scheduled) {
}
