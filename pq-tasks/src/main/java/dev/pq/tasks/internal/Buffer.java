package dev.pq.tasks.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Locked jobs waiting for a worker thread, in the order the locker locked them. A thread takes
 * the first job whose priority it accepts (Que's worker priorities: a thread with priority 10
 * takes only jobs of priority 10 or more important).
 */
public final class Buffer {
    private final List<LockedJob> jobs = new ArrayList<>();
    private final List<Integer> idleThresholds = new ArrayList<>();
    private final Runnable onChange;
    private boolean closed;

    /** @param onChange called (outside the lock) when a thread becomes idle or takes a job */
    public Buffer(Runnable onChange) {
        this.onChange = onChange;
    }

    /** Adds locked jobs; returns false (adding nothing) if the buffer is closed. */
    public synchronized boolean addAll(List<LockedJob> locked) {
        if (closed) {
            return false;
        }
        jobs.addAll(locked);
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
        onChange.run();
        try {
            synchronized (this) {
                while (!closed) {
                    for (Iterator<LockedJob> it = jobs.iterator(); it.hasNext(); ) {
                        LockedJob j = it.next();
                        if (j.priority() <= threshold) {
                            it.remove();
                            return j;
                        }
                    }
                    wait();
                }
                return null;
            }
        } finally {
            synchronized (this) {
                idleThresholds.remove(me);
            }
            onChange.run();
        }
    }

    /** Threads waiting for a job. */
    public synchronized int idle() {
        return idleThresholds.size();
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
