package dev.pq.tasks.internal;

import java.time.Instant;

/**
 * A job row as a worker (or an inline run) has it.
 *
 * @param id         the job id (0 for an inline run)
 * @param queue      the queue
 * @param priority   the priority
 * @param task       the task name (null for a job put by pq-core)
 * @param json       the payload as JSON text, or null
 * @param bytes      the binary payload, or null
 * @param errorCount failures before this run
 * @param enqueuedAt when it was enqueued
 * @param expectedAt when it is expected done (orders jobs of equal priority), or null
 * @param readyAt    when it became ready to run: its schedule (or retry) time, else when it was enqueued
 * @param version    the row version it was read at ({@code xmin}): its completion changes only that version
 * @param checkedAt  {@link System#nanoTime()} when the row was read
 * @param keyUntilStart true if it holds a unique key only while it waits: its run releases it first
 */
public record LockedJob(long id, String queue, int priority, String task, String json, byte[] bytes, int errorCount,
                        Instant enqueuedAt, Instant expectedAt, Instant readyAt, long version, long checkedAt,
                        boolean keyUntilStart) {
    /** This job at a new row version, its key released. */
    public LockedJob started(long newVersion) {
        return new LockedJob(id, queue, priority, task, json, bytes, errorCount, enqueuedAt, expectedAt, readyAt,
                newVersion, checkedAt, false);
    }
}
