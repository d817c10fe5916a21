package dev.pq.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the getters of one queue wait. A notification wakes one waiter, not all of them; a waiter
 * that took a job and saw more behind it wakes the next. Wake-ups are counted as permits, so one
 * that arrives while a waiter is busy querying is not lost: its next wait returns at once.
 */
public final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int waiters;
    private int permits;

    /** Registers the calling thread as a getter of this queue; call before its first query. */
    public void enter() {
        lock.lock();
        try {
            waiters++;
        } finally {
            lock.unlock();
        }
    }

    /** Unregisters the calling thread. */
    public void exit() {
        lock.lock();
        try {
            waiters--;
            permits = Math.min(permits, waiters);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes one registered getter, if any. */
    public void wakeOne() {
        lock.lock();
        try {
            if (permits < waiters) {
                permits++;
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every registered getter (after a reconnect, when notifications may have been lost). */
    public void wakeAll() {
        lock.lock();
        try {
            permits = waiters;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} for a wake-up; returns true if woken. */
    public boolean await(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (permits == 0 && left > 0) {
                left = changed.awaitNanos(left);
            }
            if (permits > 0) {
                permits--;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps up to {@code timeout} unless woken. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return await(unit.toNanos(timeout));
    }
}
