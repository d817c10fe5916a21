package dev.pq.tasks;

import java.time.Instant;

/**
 * One queue's counts, as {@link Admin#queues()} reads them in one statement: the numbers on the
 * dashboard's overview and {@code pq stats}.
 *
 * <pre>{@code
 * for (QueueSummary q : admin.queues()) {
 *     log.info("{}: {} ready, {} failed{}", q.queue(), q.ready(), q.failed(), q.paused() ? " (paused)" : "");
 * }
 * }</pre>
 *
 * @param queue        the queue name
 * @param ready        pending jobs that are due (locked ones included)
 * @param scheduled    pending jobs due later
 * @param locked       pending jobs whose lock a worker holds: running, or buffered to run next
 * @param failed       failed jobs kept for inspection (cancelled ones not counted)
 * @param cancelled    cancelled jobs kept for inspection
 * @param paused       the queue is paused (by name or by a pause of every queue)
 * @param oldestReadyAt the earliest due time among ready jobs, {@code null} when none is ready
 */
public record QueueSummary(String queue, long ready, long scheduled, long locked, long failed, long cancelled,
                           boolean paused, Instant oldestReadyAt) {
}
