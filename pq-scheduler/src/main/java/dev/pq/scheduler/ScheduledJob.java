package dev.pq.scheduler;

import java.time.Instant;

/**
 * A job the scheduler enqueued, from its audit.
 *
 * @param entry    the schedule entry
 * @param task     the task
 * @param queue    the queue it went to
 * @param priority its priority
 * @param args     its arguments as stored (JSON)
 * @param jobId    the job's id
 * @param runTime  the cron match it stands for (for {@code default}, the latest of the matches it coalesced)
 * @param runId    the scheduler run that enqueued it
 */
public record ScheduledJob(String entry, String task, String queue, int priority, String args, long jobId,
                           Instant runTime, long runId) {
}
