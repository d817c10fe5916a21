package dev.pq.tasks.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Locked jobs waiting for a worker thread, kept in dequeue order: queue-list position, then
 * priority, expected time and id (like Que's job buffer, so a more important job locked later
 * still runs before less important ones already waiting). A thread takes the first job whose
 * priority it accepts (Que's worker priorities: a thread with priority 10 takes only jobs of
 * priority 10 or more important).
 */
public final class Buffer {
    private final List<LockedJob> jobs = new ArrayList<>();
    private final List<Integer> idleThresholds = new ArrayList<>();
    private final Wakeup wakeup;
    private final Comparator<LockedJob> order;
    private boolean closed;

    /**
     * @param wakeup     woken (outside the lock) when a thread becomes idle or takes a job
     * @param queueOrder the order of queues (the worker's queue list)
     */
    public Buffer(Wakeup wakeup, Comparator<String> queueOrder) {
        this.wakeup = wakeup;
        this.order = Comparator.comparing(LockedJob::queue, queueOrder)
                .thenComparingInt(LockedJob::priority)
                .thenComparing(LockedJob::expectedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingLong(LockedJob::id);
    }

    /** Adds locked jobs in their place; returns false (adding nothing) if the buffer is closed. */
    public synchronized boolean addAll(List<LockedJob> locked) {
        if (closed) {
            return false;
        }
        for (LockedJob j : locked) {
            int i = Collections.binarySearch(jobs, j, order);
            jobs.add(i < 0 ? -i - 1 : i, j);
        }
        notifyAll();
        return true;
    }

    /**
     * Waits for a job of priority at most {@code threshold}; null once the buffer is closed.
     */
    public LockedJob take(int threshold) throws InterruptedException {
        Integer me = threshold;
        synchronized (this) {
            idleThresholds.add(me);
        }
        wakeup.wake(false);
        boolean idle = true;
        try {
            synchronized (this) {
                while (!closed) {
                    for (Iterator<LockedJob> it = jobs.iterator(); it.hasNext(); ) {
                        LockedJob j = it.next();
                        if (j.priority() <= threshold) {
                            // stop counting as idle in the same step, or capacity() would see an
                            // idle thread and an empty buffer, and lock one job too many
                            it.remove();
                            idleThresholds.remove(me);
                            idle = false;
                            return j;
                        }
                    }
                    wait();
                }
                return null;
            }
        } finally {
            if (idle) {
                synchronized (this) {
                    idleThresholds.remove(me);
                }
            }
            wakeup.wake(false);
        }
    }

    /** Threads waiting for a job. */
    public synchronized int idle() {
        return idleThresholds.size();
    }

    /** How many more jobs may be locked: idle threads plus {@code bufferSize}, less the jobs waiting (one snapshot). */
    public synchronized int capacity(int bufferSize) {
        return idleThresholds.size() + bufferSize - jobs.size();
    }

    /** Jobs waiting for a thread. */
    public synchronized int size() {
        return jobs.size();
    }

    /** The largest priority an idle thread accepts (Integer.MIN_VALUE if none is idle). */
    public synchronized int maxIdleThreshold() {
        int max = Integer.MIN_VALUE;
        for (int t : idleThresholds) {
            max = Math.max(max, t);
        }
        return max;
    }

    /** The waiting jobs whose row was last read more than {@code nanos} ago (a snapshot; nothing is removed). */
    public synchronized List<LockedJob> stale(long nanos) {
        long now = System.nanoTime();
        List<LockedJob> out = new ArrayList<>();
        for (LockedJob j : jobs) {
            if (now - j.checkedAt() >= nanos) {
                out.add(j);
            }
        }
        return out;
    }

    /**
     * Applies a re-check of {@code checked} (those still waiting here): a job found still pending,
     * ready and locked is replaced by its fresh row; the others are removed and returned (their
     * locks must be released).
     */
    public synchronized List<LockedJob> refresh(List<LockedJob> checked, Map<Long, TasksDb.Checked> found) {
        List<LockedJob> dropped = new ArrayList<>();
        for (LockedJob old : checked) {
            int i = jobs.indexOf(old);
            if (i < 0) {
                continue; // taken by a thread meanwhile: it checks the job itself
            }
            jobs.remove(i);
            TasksDb.Checked now = found.get(old.id());
            if (now != null && now.locked()) {
                int at = Collections.binarySearch(jobs, now.job(), order);
                jobs.add(at < 0 ? -at - 1 : at, now.job());
            } else {
                dropped.add(old);
            }
        }
        return dropped;
    }

    /** Removes and returns the waiting jobs of queues {@code paused} says must not start (their locks must be released). */
    public synchronized List<LockedJob> removePaused(Pauses paused) {
        List<LockedJob> out = new ArrayList<>();
        for (Iterator<LockedJob> it = jobs.iterator(); it.hasNext(); ) {
            LockedJob j = it.next();
            if (paused.paused(j.queue())) {
                out.add(j);
                it.remove();
            }
        }
        return out;
    }

    /** Removes and returns every waiting job (their locks must be released). */
    public synchronized List<LockedJob> clear() {
        List<LockedJob> out = new ArrayList<>(jobs);
        jobs.clear();
        return out;
    }

    /** Closes: waiting threads get null; returns the jobs that were waiting. */
    public synchronized List<LockedJob> close() {
        closed = true;
        notifyAll();
        return clear();
    }
}
