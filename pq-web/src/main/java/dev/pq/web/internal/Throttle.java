package dev.pq.web.internal;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failed credentials per client address, in one-minute windows: past {@code limit} failures an
 * address is refused (429) until the window ends, so a token cannot be guessed at network speed.
 * Other addresses, and callers whose credentials are right, are not affected.
 */
final class Throttle {
    private final int limit;
    private final Clock clock;
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private volatile long window;

    Throttle(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    boolean refused(String address) {
        roll();
        AtomicInteger n = failures.get(address);
        return n != null && n.get() >= limit;
    }

    void failed(String address) {
        roll();
        failures.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
    }

    private void roll() {
        long minute = clock.millis() / 60_000;
        if (minute != window) {
            window = minute;
            failures.clear();
        }
    }
}
