package dev.pq.tasks.internal;

import org.slf4j.MDC;

/**
 * The job's identity in the SLF4J MDC while it runs on a worker thread ({@code pq.job.id},
 * {@code pq.queue}, {@code pq.task}), so that a log pipeline can pick one job's lines: the
 * handler's, the middleware's and listeners', and pq's own about that job. {@link #close()} puts
 * back what the thread had under those keys before.
 */
public final class JobMdc implements AutoCloseable {
    public static final String JOB_ID = "pq.job.id";
    public static final String QUEUE = "pq.queue";
    public static final String TASK = "pq.task";

    private final String jobId;
    private final String queue;
    private final String task;

    private JobMdc(String jobId, String queue, String task) {
        this.jobId = jobId;
        this.queue = queue;
        this.task = task;
    }

    /** Puts {@code job}'s keys, remembering the values they replace. */
    public static JobMdc put(LockedJob job) {
        JobMdc previous = new JobMdc(MDC.get(JOB_ID), MDC.get(QUEUE), MDC.get(TASK));
        MDC.put(JOB_ID, Long.toString(job.id()));
        MDC.put(QUEUE, job.queue());
        set(TASK, job.task()); // null for a job put by pq-core
        return previous;
    }

    /** Restores the keys as they were before {@link #put}. */
    @Override
    public void close() {
        set(JOB_ID, jobId);
        set(QUEUE, queue);
        set(TASK, task);
    }

    private static void set(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
