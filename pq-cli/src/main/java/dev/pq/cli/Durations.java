package dev.pq.cli;

import dev.pq.internal.When;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations on the command line: pq's one grammar ({@link When#duration(String, String)}), so
 * {@code --job-timeout 1h30m} reads like {@code @Task(timeout = "1h30m")}: seconds ({@code 5},
 * {@code 0.5}), numbers with units ({@code 250ms}, {@code 30s}, {@code 1h30m}), or ISO-8601.
 */
final class Durations {
    private Durations() {
    }

    /** Parses {@code text}; throws IllegalArgumentException with the accepted forms. */
    static Duration parse(String text) {
        return When.duration("the duration", text);
    }

    /** {@code d} as the shortest readable text: 5s, 0.5s, 30m. */
    static String format(Duration d) {
        if (d.toNanos() % 60_000_000_000L == 0 && d.toMinutes() > 0) {
            return d.toMinutes() % 60 == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
        }
        return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
    }
}
