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
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");
    private static final Pattern SHORTHAND = Pattern.compile("(?:\\d+(?:ms|s|m|h|d|w))+");

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
     * Parses text: a duration such as {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d},
     * {@code 250ms}, {@code 1w}; an ISO-8601 duration ({@code PT5M}); or an ISO-8601 instant or
     * offset date-time ({@code 2026-11-21T16:22:06Z}). Null means none.
     */
    public static When parse(String what, String text) {
        if (text == null) {
            return NONE;
        }
        String s = text.trim();
        if (SHORTHAND.matcher(s).matches()) {
            Duration d = Duration.ZERO;
            Matcher m = PART.matcher(s);
            try {
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    d = d.plus(switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> Duration.ofDays(Math.multiplyExact(n, 7));
                    });
                }
                return of(d);
            } catch (ArithmeticException | NumberFormatException e) {
                throw unparseable(what, text);
            }
        }
        if (s.startsWith("P") || s.startsWith("-P")) {
            try {
                return of(Duration.parse(s));
            } catch (DateTimeParseException e) {
                throw unparseable(what, text);
            }
        }
        try {
            return of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            throw unparseable(what, text);
        }
    }

    private static IllegalArgumentException unparseable(String what, String text) {
        return new IllegalArgumentException("cannot parse " + what + " \"" + text + "\": use a duration such as "
                + "30s, 5m, 1h30m or 2d, an ISO-8601 duration such as PT5M, or an ISO-8601 time such as "
                + "2026-11-21T16:22:06Z");
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
