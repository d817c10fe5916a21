package dev.pq.tasks;

import java.time.Instant;
import java.util.List;

/**
 * A live worker process from the registry (Que's {@code que_lockers}, Resque's worker list).
 * Workers whose heartbeat stopped, or whose locker connection is gone, are not listed.
 *
 * <pre>{@code
 * tasks.admin().workers().forEach(w -> log.info("{} on {}: {} threads, {} processed", w.id(), w.host(), w.workerCount(), w.processed()));
 * }</pre>
 *
 * @param id          the registry id ({@code host:pid:suffix})
 * @param host        the host name
 * @param pid         the process id
 * @param queues      the queue list it works, as given
 * @param workerCount its number of worker threads
 * @param startedAt   when it started
 * @param heartbeatAt its last heartbeat
 * @param jobs        the jobs it works now
 * @param processed   jobs it completed
 * @param failed      jobs that failed in it
 */
public record WorkerInfo(String id, String host, long pid, List<String> queues, int workerCount, Instant startedAt,
                         Instant heartbeatAt, List<JobState> jobs, long processed, long failed) {
    /** Copies the lists. */
    public WorkerInfo {
        queues = List.copyOf(queues);
        jobs = List.copyOf(jobs);
    }
}
