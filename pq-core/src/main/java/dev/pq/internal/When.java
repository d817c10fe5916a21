package dev.pq.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as a caller gave it: absolute ({@link Instant}) or relative to the database's
 * clock at insert ({@link Duration}). Relative times are resolved by PostgreSQL, so an application
 * server whose clock is off does not shift schedules.
 *
 * @param at     the absolute time, or null
 * @param in     the offset from the database's now, or null
 */
public record When(Instant at, Duration in) {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d|w)");
    private static final Pattern SHORTHAND = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d|w))+");
    private static final Pattern SECONDS = Pattern.compile("\\d+(?:\\.\\d+)?|\\.\\d+");

    /** Neither absolute nor relative: no time given. */
    public static final When NONE = new When(null, null);

    /** Wraps an instant; null means none. */
    public static When of(Instant at) {
        return at == null ? NONE : new When(at, null);
    }

    /** Wraps a duration from now; null means none. Negative durations are in the past. */
    public static When of(Duration in) {
        return in == null ? NONE : new When(null, in);
    }

    /**
     * Parses text: a duration (see {@link #duration(String, String)}) or an ISO-8601 instant or
     * offset date-time ({@code 2026-11-21T16:22:06Z}). Null means none.
     */
    public static When parse(String what, String text) {
        if (text == null) {
            return NONE;
        }
        String s = text.trim();
        Duration d = durationOrNull(what, s);
        if (d != null) {
            return of(d);
        }
        try {
            return of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            throw unparseable(what, text);
        }
    }

    /**
     * pq's one grammar for durations, used by the API, {@code @Task} and the command line alike:
     * a number of seconds ({@code 5}, {@code 0.5}); numbers with units, one or more
     * ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 1.5h}, {@code 2d}, {@code 1w});
     * or an ISO-8601 duration ({@code PT5M}, {@code -PT1S}).
     */
    public static Duration duration(String what, String text) {
        java.util.Objects.requireNonNull(text, what);
        Duration d = durationOrNull(what, text.trim());
        if (d == null) {
            throw new IllegalArgumentException("cannot parse " + what + " \"" + text + "\": use seconds such as 5 or "
                    + "0.5, a duration such as 250ms, 30s, 5m, 1h30m or 2d, or an ISO-8601 duration such as PT5M");
        }
        return d;
    }

    private static Duration durationOrNull(String what, String s) {
        try {
            if (SECONDS.matcher(s).matches()) {
                return nanos(new java.math.BigDecimal(s), 1_000_000_000L);
            }
            if (SHORTHAND.matcher(s).matches()) {
                Duration d = Duration.ZERO;
                Matcher m = PART.matcher(s);
                while (m.find()) {
                    java.math.BigDecimal n = new java.math.BigDecimal(m.group(1));
                    d = d.plus(switch (m.group(2)) {
                        case "ms" -> nanos(n, 1_000_000L);
                        case "s" -> nanos(n, 1_000_000_000L);
                        case "m" -> nanos(n, 60_000_000_000L);
                        case "h" -> nanos(n, 3_600_000_000_000L);
                        case "d" -> nanos(n, 86_400_000_000_000L);
                        default -> nanos(n, 604_800_000_000_000L);
                    });
                }
                return d;
            }
            if (s.startsWith("P") || s.startsWith("-P")) {
                return Duration.parse(s);
            }
            return null;
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw unparseable(what, s);
        }
    }

    private static Duration nanos(java.math.BigDecimal n, long perUnit) {
        return Duration.ofNanos(n.multiply(java.math.BigDecimal.valueOf(perUnit))
                .setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    }

    private static IllegalArgumentException unparseable(String what, String text) {
        return new IllegalArgumentException("cannot parse " + what + " \"" + text + "\": use seconds such as 5, a "
                + "duration such as 250ms, 30s, 5m, 1h30m or 2d, an ISO-8601 duration such as PT5M, or an ISO-8601 "
                + "time such as 2026-11-21T16:22:06Z");
    }

    /** The absolute time as the JDBC driver binds it, or null. */
    public OffsetDateTime atForJdbc() {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    /** The relative offset in microseconds, or null. */
    public Long inMicros() {
        if (in == null) {
            return null;
        }
        try {
            return Math.addExact(Math.multiplyExact(in.getSeconds(), 1_000_000L), in.getNano() / 1_000);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration is too large to schedule: " + in);
        }
    }
}
