package dev.pq.tasks;

import java.time.Instant;

/**
 * A job in the failed state (its retries used up, a permanent error, or {@link JobContext#fail()};
 * Que calls it expired), kept for inspection, retry or deletion.
 *
 * <pre>{@code
 * for (FailedJob f : tasks.admin().failed(null, 50, 0)) {
 *     log.warn("{} #{}: {}", f.task(), f.id(), f.lastErrorMessage());
 * }
 * tasks.admin().retryAllFailed(null);   // all of them, every queue
 * }</pre>
 *
 * @param id                 the job id
 * @param queue              the queue
 * @param task               the task name
 * @param priority           the priority
 * @param args               the stored arguments (JSON text)
 * @param errorCount         how many times it failed
 * @param lastErrorMessage   the last error's class and message (truncated)
 * @param lastErrorBacktrace the last error's stack trace (truncated)
 * @param enqueuedAt         when it was enqueued
 * @param failedAt           when it was marked failed
 */
public record FailedJob(long id, String queue, String task, int priority, String args, int errorCount,
                        String lastErrorMessage, String lastErrorBacktrace, Instant enqueuedAt, Instant failedAt) {
}
