package dev.pq.tasks;

import java.util.Objects;

/**
 * A job as it is enqueued, for {@link JobListener#beforeEnqueue} and
 * {@link JobListener#afterEnqueue}.
 *
 * <pre>{@code
 * public void afterEnqueue(EnqueuedJob job) {
 *     log.info("enqueued {} #{} on {}", job.task(), job.id(), job.queue());
 * }
 * }</pre>
 *
 * @param id       the job id (0 before it is written, and for inline runs)
 * @param task     the task name
 * @param queue    the queue
 * @param priority the priority
 * @param argsJson the arguments as stored (JSON)
 */
public record EnqueuedJob(long id, String task, String queue, int priority, String argsJson) {
    /** Validates the fields. */
    public EnqueuedJob {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(argsJson, "argsJson");
    }
}
