package dev.pq.internal;

/**
 * The back-off of pq's services after a failed round trip (the listener and a worker's locker
 * reconnecting, the completer retrying a flush): from {@code min}, doubling, capped at
 * {@code max}, so a service is back within {@code max} of its database answering again. One
 * instance per loop; not thread-safe.
 */
public final class RetryDelay {
    private final long minMillis;
    private final long maxMillis;
    private long next;

    public RetryDelay(long minMillis, long maxMillis) {
        if (minMillis < 1 || maxMillis < minMillis) {
            throw new IllegalArgumentException("need 1 <= min <= max: " + minMillis + ", " + maxMillis);
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.next = minMillis;
    }

    /** The delay to wait now (and doubles the next one). */
    public long next() {
        long d = next;
        next = Math.min(maxMillis, next * 2);
        return d;
    }

    /** The next delay that {@link #next()} would return, without taking it. */
    public long peek() {
        return next;
    }

    /** Back to the shortest delay, after a success. */
    public void reset() {
        next = minMillis;
    }

    /** Sleeps the next delay; false if interrupted (the flag is set again). */
    public boolean sleep() {
        try {
            Thread.sleep(next());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
