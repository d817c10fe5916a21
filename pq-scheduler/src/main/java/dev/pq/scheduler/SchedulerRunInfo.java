package dev.pq.scheduler;

import java.time.Instant;

/**
 * One run of the scheduler, from its audit.
 *
 * @param id       the run's id
 * @param jobId    the scheduler job that ran it
 * @param runAt    the database time it computed from
 * @param enqueued how many jobs it enqueued
 */
public record SchedulerRunInfo(long id, long jobId, Instant runAt, int enqueued) {
}
