package dev.pq.tasks.internal;

import java.util.function.BooleanSupplier;

/**
 * How the locker is woken: by the buffer when threads free up, by notifications and retries when
 * jobs may have arrived ("news"), by releases handed over. Buffer and locker both hold this small
 * object instead of each other, so neither needs the other to be built first.
 */
public final class Wakeup {
    private boolean news = true;
    private boolean signalled;

    /** Wakes the locker; {@code news}: jobs may have arrived, so it must look even with no known backlog. */
    public synchronized void wake(boolean news) {
        if (news) {
            this.news = true;
        }
        signalled = true;
        notifyAll();
    }

    /** Whether news arrived since the last call (and forgets it). */
    synchronized boolean takeNews() {
        boolean n = news;
        news = false;
        return n;
    }

    /** Records news without waking (the locker's own poll timer). */
    synchronized void markNews() {
        news = true;
    }

    /** Waits up to {@code nanos} for a wake-up, unless one came already or {@code ready} says there is work. */
    synchronized void await(long nanos, BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!signalled && !ready.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(left / 1_000_000, (int) (left % 1_000_000));
        }
        signalled = false;
    }
}
