package dev.pq.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations on the command line: seconds, decimals allowed ({@code 5}, {@code 0.5}), or a number
 * with a unit ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}).
 */
final class Durations {
    private static final Pattern FORMAT = Pattern.compile("([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))\\s*(ms|s|m|h)?");

    private Durations() {
    }

    /** Parses {@code text}; throws IllegalArgumentException with the accepted forms. */
    static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: give seconds (5, 0.5) or a number with ms, s, m or h");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        long nanosPerUnit = switch (unit) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        try {
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit))
                    .setScale(0, RoundingMode.HALF_UP);
            return Duration.ofNanos(nanos.longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("too long: at most " + Long.MAX_VALUE / 1_000_000_000L + " seconds");
        }
    }

    /** {@code d} as the shortest readable text: 5s, 0.5s, 30m. */
    static String format(Duration d) {
        if (d.toNanos() % 60_000_000_000L == 0 && d.toMinutes() > 0) {
            return d.toMinutes() % 60 == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
        }
        return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
    }
}
