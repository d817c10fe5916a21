package dev.pq.chaos;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/** Timed waits (fault durations are timed by definition) and the jobs' sleep choices. */
final class Sleeps {
    private Sleeps() {
    }

    /** Sleeps; an interrupt is kept on the thread and ends the scenario as {@link Interrupted}. */
    static void millis(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted(e);
        }
    }

    static void of(Duration d) {
        millis(d.toMillis());
    }

    /** Sleeps until {@code deadlineNanos} (a {@link System#nanoTime()} value). */
    static void until(long deadlineNanos) {
        millis((deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    /** Job sleeps uniform in [min, max] ms. */
    static IntSupplier uniform(int min, int max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("sleep range must be 0 <= min <= max: " + min + ".." + max);
        }
        return () -> min == max ? min : ThreadLocalRandom.current().nextInt(min, max + 1);
    }

    /** An interrupted wait, unchecked so scenarios stay readable; the interrupt flag is set again. */
    static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted(InterruptedException cause) {
            super("interrupted", cause);
        }
    }
}
