package dev.pq.scheduler.internal;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A parsed cron expression in its zone: five fields (cron-utils' UNIX definition) or a nickname,
 * with an optional trailing IANA zone. Matches are computed in the zone, with cron's rules for
 * daylight-saving changes: a time skipped when clocks go forward runs that much later (02:30
 * becomes 03:30), never not at all; a time repeated when they go back runs once, at its first
 * occurrence; an expression with a wildcard hour (hourly, every 5 minutes) follows real time.
 */
public final class Cron {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> NICKNAMES = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    private final String text;
    private final ZoneId zone;
    private final ExecutionTime time;

    private Cron(String text, ZoneId zone, ExecutionTime time) {
        this.text = text;
        this.zone = zone;
        this.time = time;
    }

    /**
     * Parses {@code expression}; a zone after the fields wins over {@code defaultZone}.
     *
     * @throws IllegalArgumentException saying what is wrong: the fields, or the zone
     */
    public static Cron parse(String expression, ZoneId defaultZone) {
        String[] parts = expression.trim().split("\\s+");
        boolean nickname = parts[0].startsWith("@");
        int fields = nickname ? 1 : 5;
        if (parts.length != fields && parts.length != fields + 1) {
            throw new IllegalArgumentException("\"" + expression + "\" is not a cron expression: give five fields "
                    + "(minute hour day-of-month month day-of-week) or @yearly, @monthly, @weekly, @daily, @hourly, "
                    + "then optionally an IANA zone such as America/New_York");
        }
        ZoneId zone = defaultZone;
        if (parts.length == fields + 1) {
            try {
                zone = ZoneId.of(parts[fields]);
            } catch (DateTimeException e) {
                throw new ZoneException("\"" + parts[fields] + "\" is not a time zone: give an IANA zone such as "
                        + "Europe/Paris or UTC");
            }
        }
        String cron = nickname ? NICKNAMES.get(parts[0].toLowerCase(java.util.Locale.ROOT)) : String.join(" ",
                java.util.Arrays.copyOf(parts, 5));
        if (cron == null) {
            throw new IllegalArgumentException("\"" + parts[0] + "\" is not a cron nickname: use @yearly, @monthly, "
                    + "@weekly, @daily or @hourly");
        }
        try {
            return new Cron(expression.trim(), zone, ExecutionTime.forCron(PARSER.parse(cron)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + expression + "\" is not a valid cron expression: " + e.getMessage());
        }
    }

    /** A bad zone, told apart from bad fields (validation names the problem precisely). */
    public static final class ZoneException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ZoneException(String message) {
            super(message);
        }
    }

    public ZoneId zone() {
        return zone;
    }

    /** The matches in {@code (after, upTo]}, in order. */
    public List<Instant> matches(Instant after, Instant upTo) {
        TreeSet<Instant> out = new TreeSet<>();
        ZonedDateTime t = after.atZone(zone);
        while (true) {
            Optional<ZonedDateTime> n = time.nextExecution(t);
            if (n.isEmpty() || n.get().toInstant().isAfter(upTo)) {
                break;
            }
            out.add(n.get().toInstant());
            t = n.get();
        }
        addSkipped(after, upTo, out);
        return new ArrayList<>(out);
    }

    /**
     * cron-utils never matches a wall time that a spring-forward transition skips: such a match
     * runs as much later as the clocks jumped, as {@link ZonedDateTime#ofLocal} places it.
     */
    private void addSkipped(Instant after, Instant upTo, TreeSet<Instant> out) {
        ZoneRules rules = zone.getRules();
        for (ZoneOffsetTransition tr = rules.nextTransition(after.minusSeconds(86_400)); tr != null
                && !tr.getInstant().isAfter(upTo); tr = rules.nextTransition(tr.getInstant())) {
            if (!tr.isGap()) {
                continue;
            }
            LocalDateTime from = tr.getDateTimeBefore();
            LocalDateTime to = tr.getDateTimeAfter();
            ZonedDateTime w = from.minusMinutes(1).atZone(ZoneOffset.UTC); // wall times, zone-free
            while (true) {
                Optional<ZonedDateTime> n = time.nextExecution(w);
                if (n.isEmpty() || !n.get().toLocalDateTime().isBefore(to)) {
                    break;
                }
                Instant at = ZonedDateTime.ofLocal(n.get().toLocalDateTime(), zone, null).toInstant();
                if (at.isAfter(after) && !at.isAfter(upTo)) {
                    out.add(at);
                }
                w = n.get();
            }
        }
    }

    /** The next {@code n} matches after {@code after} (fewer if none comes within thirty years). */
    public List<Instant> next(Instant after, int n) {
        List<Instant> out = new ArrayList<>(n);
        Instant from = after;
        Instant end = after.plus(java.time.Duration.ofDays(30 * 366));
        for (long days = 1; out.size() < n && from.isBefore(end); days = Math.min(days * 2, 366)) {
            Instant to = from.plus(java.time.Duration.ofDays(days));
            for (Instant i : matches(from, to)) {
                if (out.size() < n) {
                    out.add(i);
                }
            }
            from = to;
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
