package dev.pq.tasks;

import java.time.Instant;

/**
 * Pending jobs of one task in one queue (Que's {@code job_stats}).
 *
 * <pre>{@code
 * tasks.admin().jobStats().forEach(s -> log.info("{} {}: {} ({} working)", s.queue(), s.task(), s.count(), s.working()));
 * }</pre>
 *
 * @param queue             the queue
 * @param task              the task name ("" for jobs put by pq-core)
 * @param count             pending jobs
 * @param working           of those, locked by a worker right now
 * @param errored           of those, with at least one failure
 * @param highestErrorCount the largest error count
 * @param oldestRunAt       the earliest ready time (scheduleAt, else enqueuedAt)
 */
public record JobStats(String queue, String task, long count, long working, long errored, int highestErrorCount,
                       Instant oldestRunAt) {
}
