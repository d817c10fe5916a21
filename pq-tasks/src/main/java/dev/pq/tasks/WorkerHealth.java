package dev.pq.tasks;

import java.util.Objects;

/**
 * A worker's state as it knows it, read from memory with no database round trip: what a health
 * check (Spring Boot's actuator, a Kubernetes probe) asks many times a minute.
 *
 * <pre>{@code
 * WorkerHealth h = worker.health();
 * if (!h.healthy()) {
 *     log.warn("pq worker {}: {} locker={} listening={}", h.id(), h.state(), h.lockerConnected(), h.listening());
 * }
 * }</pre>
 *
 * @param id              the worker's registry id
 * @param state           where it is in its life
 * @param lockerConnected whether its locker connection is up (false while it reconnects)
 * @param listening       whether LISTEN is in place on the listener connection (false while it
 *                        reconnects: jobs are still found by polling, only later)
 * @param running         jobs running now
 * @param buffered        jobs locked and waiting for a free thread
 * @param workerCount     its job threads
 * @param processed       jobs completed or failed since it started
 * @param failed          jobs that failed since it started
 */
public record WorkerHealth(String id, State state, boolean lockerConnected, boolean listening, int running,
                           int buffered, int workerCount, long processed, long failed) {
    /** A worker's life: built, started, closed. */
    public enum State {
        /** Built, not started. */
        NEW,
        /** Started and not closed. */
        RUNNING,
        /** Closing or closed. */
        STOPPED
    }

    /** Validates the fields. */
    public WorkerHealth {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
    }

    /** Running, with its locker connected and LISTEN in place. */
    public boolean healthy() {
        return state == State.RUNNING && lockerConnected && listening;
    }
}
