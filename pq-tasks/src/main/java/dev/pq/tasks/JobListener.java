package dev.pq.tasks;

/**
 * Callbacks at points of a job's life (Resque's hooks). Every method has a no-op default:
 * override what you need. An exception thrown by {@code beforeEnqueue} aborts the enqueue;
 * by {@code beforePerform}, fails the job; from the others it is logged and ignored.
 *
 * <pre>{@code
 * tasks = Tasks.builder(pq).listener(new JobListener() {
 *     public void onFailure(JobContext job, Throwable error, boolean willRetry) {
 *         alerts.send(job.task() + " failed: " + error);
 *     }
 * }).build();
 * }</pre>
 */
public interface JobListener {
    /** Before a job is written (or, inline, run). */
    default void beforeEnqueue(EnqueuedJob job) {
    }

    /** After a job was written; {@code job.id()} is set. */
    default void afterEnqueue(EnqueuedJob job) {
    }

    /** On the worker thread, before the handler runs. */
    default void beforePerform(JobContext job) {
    }

    /** After the handler returned normally (before its completion is committed). */
    default void afterPerform(JobContext job) {
    }

    /** After the handler threw (or timed out); {@code willRetry} tells whether it will run again. */
    default void onFailure(JobContext job, Throwable error, boolean willRetry) {
    }

    /**
     * After a run ended because its job was cancelled ({@code Admin.cancel}) while it ran: nothing
     * of the run committed, and the job stays cancelled. Called on the worker thread (or the
     * watchdog's, if the run ignored its interrupt). A job cancelled while it waited never runs,
     * and is not reported here.
     */
    default void onCancel(JobContext job) {
    }
}
