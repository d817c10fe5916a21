package dev.pq.tasks.internal;

import java.util.List;

/**
 * What a run of a job needs from whoever holds its lock: the worker's {@link Locker} (a session of
 * its own, served by its thread), or a drain's {@link DrainLocks} (the calling thread's session).
 */
public interface JobLocks {
    /** True if limits apply (false: no limit code runs). */
    boolean limited();

    /** A job starts on its thread now (with limits: a rate counts its start from this moment). */
    void started(long id);

    /** A job's handler returned or threw (with a concurrency limit its slot is released now). */
    void ended(long id);

    /** A job kept its thread busy for {@code nanos}, handler and completion (the worker's lock batch follows it). */
    default void ran(long nanos) {
    }

    /** Releases a job's lock (after its completion committed, or its row was gone). */
    void release(long id);

    /** Releases many locks. */
    void release(List<Long> ids);

    /** Releases jobs that were locked but not run, and tells the other workers of their queues. */
    void giveBack(List<LockedJob> jobs);

    /** Capacity changed, or (if {@code news}) jobs may have become ready. */
    void wake(boolean news);

    /** The backend pid of the session holding the locks, or null while it has none. */
    Integer backendPid();

    /** A job's lock was found not held: check the session now. */
    void suspect();
}
