package dev.pq.tasks.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * How the locker is woken: by the buffer when threads free up, by notifications and retries when
 * jobs may have arrived ("news"), by releases handed over. Buffer and locker both hold this small
 * object instead of each other, so neither needs the other to be built first. Job threads (perhaps
 * virtual) call {@link #wake}: a {@link ReentrantLock}, not a monitor, so none pins its carrier.
 */
public final class Wakeup {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean news = true;
    private boolean signalled;

    /** Wakes the locker; {@code news}: jobs may have arrived, so it must look even with no known backlog. */
    public void wake(boolean news) {
        lock.lock();
        try {
            if (news) {
                this.news = true;
            }
            signalled = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether news arrived since the last call (and forgets it). */
    boolean takeNews() {
        lock.lock();
        try {
            boolean n = news;
            news = false;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Records news without waking (the locker's own poll timer). */
    void markNews() {
        lock.lock();
        try {
            news = true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} for a wake-up, unless one came already or {@code ready} says there is work. */
    void await(long nanos, BooleanSupplier ready) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long left = nanos;
            while (!signalled && !ready.getAsBoolean() && left > 0) {
                left = woken.awaitNanos(left);
            }
            signalled = false;
        } finally {
            lock.unlock();
        }
    }
}
