package dev.pq.tasks;

import java.time.Instant;

/**
 * A job being worked right now (Que's {@code job_states}), as its worker last reported it.
 *
 * <pre>{@code
 * for (JobState s : tasks.admin().jobStates()) {
 *     log.info("job {} ({}) on {} pid {} thread {} since {}", s.id(), s.task(), s.host(), s.pid(), s.thread(), s.since());
 * }
 * }</pre>
 *
 * @param id       the job id
 * @param queue    the queue
 * @param task     the task name
 * @param workerId the worker's registry id
 * @param host     the worker's host
 * @param pid      the worker's process id
 * @param thread   the worker thread's name
 * @param since    when the job started
 */
public record JobState(long id, String queue, String task, String workerId, String host, long pid, String thread,
                       Instant since) {
}
