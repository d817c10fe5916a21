package dev.pq.tasks;

import java.time.Instant;

/**
 * One job as the dashboard and {@link Admin#job(long)} show it: where it is in its lifecycle, its
 * payload, its last error. Read in one statement; {@code locked} says whether some worker holds
 * its lock at that moment.
 *
 * <pre>{@code
 * admin.job(1234L).ifPresent(j -> log.info("{} is {}", j.id(), j.state()));
 * admin.ready("billing", 50, 0);        // the next 50 jobs of a queue, in dequeue order
 * admin.scheduled(null, 50, 0);         // jobs scheduled for later, every queue, soonest first
 * }</pre>
 *
 * @param id                 the job id
 * @param queue              the queue
 * @param task               the task name ({@code null} for a pq-core job put without one)
 * @param priority           the priority (lower runs first)
 * @param state              where it is in its lifecycle
 * @param locked             a worker holds its lock right now: running, or buffered to run next (pending jobs only)
 * @param json               the payload as JSON text, or {@code null} when it is binary
 * @param binaryLength       the length of a binary payload, or -1 when the payload is JSON (or absent)
 * @param errorCount         how many times it failed
 * @param lastErrorMessage   the last error's class and message, or a cancellation's reason
 * @param lastErrorBacktrace the last error's stack trace
 * @param enqueuedAt         when it was enqueued
 * @param runAt              when it is (or was) due: its schedule time, else its enqueue time
 * @param endedAt            when it failed, was cancelled or finished; {@code null} while pending
 * @param uniqueKey          the unique key it holds (or held, once it left the key's scope), or {@code null}
 * @param group              its group for concurrency limits, or {@code null}
 */
public record JobInfo(long id, String queue, String task, int priority, State state, boolean locked, String json,
                      int binaryLength, int errorCount, String lastErrorMessage, String lastErrorBacktrace,
                      Instant enqueuedAt, Instant runAt, Instant endedAt, String uniqueKey, String group) {
    /** The lifecycle states a stored job can be in (a running job is {@code READY} and {@code locked}). */
    public enum State {
        /** Pending and due: the next worker with a free thread may take it. */
        READY,
        /** Pending, due later. */
        SCHEDULED,
        /** Its retries are used up or its handler failed it: kept for inspection and retry. */
        FAILED,
        /** Cancelled by {@link Admin#cancel(long, String)}: kept like a failed job. */
        CANCELLED,
        /** Done and kept as history (a queue that keeps finished jobs). */
        FINISHED
    }
}
