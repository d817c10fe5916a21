package dev.pq.tasks.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Locked jobs waiting for a worker thread, kept in dequeue order: queue-list position, then
 * priority, expected time and id (like Que's job buffer, so a more important job locked later
 * still runs before less important ones already waiting). A thread takes the first job whose
 * priority it accepts (Que's worker priorities: a thread with priority 10 takes only jobs of
 * priority 10 or more important). A {@link ReentrantLock}, not a monitor: job threads wait here,
 * and a virtual thread waiting in {@code Object.wait} would pin its carrier on Java 21 to 23.
 */
public final class Buffer {
    private final List<LockedJob> jobs = new ArrayList<>();
    private final List<Integer> idleThresholds = new ArrayList<>();
    private final Wakeup wakeup;
    private final Comparator<LockedJob> order;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
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
    public boolean addAll(List<LockedJob> locked) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            for (LockedJob j : locked) {
                int i = Collections.binarySearch(jobs, j, order);
                jobs.add(i < 0 ? -i - 1 : i, j);
            }
            added.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a job of priority at most {@code threshold}; null once the buffer is closed.
     */
    public LockedJob take(int threshold) throws InterruptedException {
        Integer me = threshold;
        lock.lock();
        try {
            idleThresholds.add(me);
        } finally {
            lock.unlock();
        }
        wakeup.wake(false);
        boolean idle = true;
        try {
            lock.lockInterruptibly();
            try {
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
                    added.await();
                }
                return null;
            } finally {
                lock.unlock();
            }
        } finally {
            if (idle) {
                lock.lock();
                try {
                    idleThresholds.remove(me);
                } finally {
                    lock.unlock();
                }
            }
            wakeup.wake(false);
        }
    }

    /** Threads waiting for a job. */
    public int idle() {
        lock.lock();
        try {
            return idleThresholds.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many more jobs may be locked: idle threads plus {@code bufferSize}, less the jobs waiting (one snapshot). */
    public int capacity(int bufferSize) {
        lock.lock();
        try {
            return idleThresholds.size() + bufferSize - jobs.size();
        } finally {
            lock.unlock();
        }
    }

    /** Jobs waiting for a thread. */
    public int size() {
        lock.lock();
        try {
            return jobs.size();
        } finally {
            lock.unlock();
        }
    }

    /** The largest priority an idle thread accepts (Integer.MIN_VALUE if none is idle). */
    public int maxIdleThreshold() {
        lock.lock();
        try {
            int max = Integer.MIN_VALUE;
            for (int t : idleThresholds) {
                max = Math.max(max, t);
            }
            return max;
        } finally {
            lock.unlock();
        }
    }

    /** The waiting jobs whose row was last read more than {@code nanos} ago (a snapshot; nothing is removed). */
    public List<LockedJob> stale(long nanos) {
        lock.lock();
        try {
            long now = System.nanoTime();
            List<LockedJob> out = new ArrayList<>();
            for (LockedJob j : jobs) {
                if (now - j.checkedAt() >= nanos) {
                    out.add(j);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies a re-check of {@code checked} (those still waiting here): a job found still pending,
     * ready and locked is replaced by its fresh row; the others are removed and returned (their
     * locks must be released).
     */
    public List<LockedJob> refresh(List<LockedJob> checked, Map<Long, TasksDb.Checked> found) {
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns the waiting jobs of queues {@code paused} says must not start (their locks must be released). */
    public List<LockedJob> removePaused(Pauses paused) {
        lock.lock();
        try {
            List<LockedJob> out = new ArrayList<>();
            for (Iterator<LockedJob> it = jobs.iterator(); it.hasNext(); ) {
                LockedJob j = it.next();
                if (paused.paused(j.queue())) {
                    out.add(j);
                    it.remove();
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns up to {@code n} of the last waiting jobs, the least important (their locks must be released). */
    public List<LockedJob> removeLast(int n) {
        lock.lock();
        try {
            int from = Math.max(0, jobs.size() - n);
            List<LockedJob> tail = jobs.subList(from, jobs.size());
            List<LockedJob> out = new ArrayList<>(tail);
            tail.clear();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every waiting job (their locks must be released). */
    public List<LockedJob> clear() {
        lock.lock();
        try {
            List<LockedJob> out = new ArrayList<>(jobs);
            jobs.clear();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Closes: waiting threads get null; returns the jobs that were waiting. */
    public List<LockedJob> close() {
        lock.lock();
        try {
            closed = true;
            added.signalAll();
            return clear();
        } finally {
            lock.unlock();
        }
    }
}
