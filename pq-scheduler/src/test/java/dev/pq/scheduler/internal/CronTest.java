package dev.pq.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which cron times fall in {@code (after, upTo]}: boundaries, steps and ranges, zones, DST. */
class CronTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    private static List<Instant> matches(String cron, String after, String upTo) {
        return Cron.parse(cron, UTC).matches(at(after), at(upTo));
    }

    @Test
    void aRunExactlyAtACronTime_includesIt_andARunAfterThatTime_doesNotIncludeItAgain() {
        assertEquals(List.of(at("2026-12-01T07:00:00Z")), matches("0 7 * * *", "2026-12-01T06:59:00Z",
                "2026-12-01T07:00:00Z"), "(last, now]: now exactly at the match enqueues it");
        assertEquals(List.of(), matches("0 7 * * *", "2026-12-01T07:00:00Z", "2026-12-01T07:01:00Z"),
                "a previous run exactly at the match already had it");
        assertEquals(List.of(), matches("0 7 * * *", "2026-12-01T07:00:00Z", "2026-12-01T07:00:00Z"));
    }

    @Test
    void hourlyDailyWeekly_andNicknames() {
        assertEquals(3, matches("0 * * * *", "2026-12-01T00:00:00Z", "2026-12-01T03:00:00Z").size());
        assertEquals(3, matches("@hourly", "2026-12-01T00:00:00Z", "2026-12-01T03:00:00Z").size());
        assertEquals(List.of(at("2026-12-02T00:00:00Z"), at("2026-12-03T00:00:00Z")),
                matches("@daily", "2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z"));
        // 2026-12-06 is a Sunday
        assertEquals(List.of(at("2026-12-06T00:00:00Z")), matches("@weekly", "2026-12-01T00:00:00Z",
                "2026-12-12T00:00:00Z"));
        assertEquals(List.of(at("2027-01-01T00:00:00Z")), matches("@yearly", "2026-06-01T00:00:00Z",
                "2027-06-01T00:00:00Z"));
        assertEquals(List.of(at("2027-01-01T00:00:00Z")), matches("@monthly", "2026-12-01T00:00:00Z",
                "2027-01-15T00:00:00Z"));
    }

    @Test
    void rangesStepsAndLists() {
        assertEquals(List.of(at("2026-12-01T09:00:00Z"), at("2026-12-01T09:15:00Z"), at("2026-12-01T09:30:00Z"),
                at("2026-12-01T09:45:00Z")), matches("*/15 9 * * *", "2026-12-01T08:59:00Z", "2026-12-01T10:00:00Z"));
        // weekdays 9-17 on the hour: Monday 2026-11-30 .. Sunday 2026-12-06
        assertEquals(5 * 9, matches("0 9-17 * * 1-5", "2026-11-29T23:00:00Z", "2026-12-06T23:00:00Z").size());
        assertEquals(List.of(at("2026-12-01T00:05:00Z"), at("2026-12-01T00:35:00Z")),
                matches("5,35 0 * * *", "2026-11-30T23:59:00Z", "2026-12-01T00:59:00Z"));
    }

    @Test
    void aTrailingZone_decidesTheWallClock() {
        Cron la = Cron.parse("0 7 * * * America/Los_Angeles", UTC);
        assertEquals(ZoneId.of("America/Los_Angeles"), la.zone());
        assertEquals(List.of(at("2026-12-01T15:00:00Z")), la.matches(at("2026-12-01T00:00:00Z"), at("2026-12-02T00:00:00Z")),
                "07:00 in Los Angeles (PST) is 15:00 UTC");
        Cron daily = Cron.parse("@daily Europe/Paris", UTC);
        assertEquals(List.of(at("2026-12-01T23:00:00Z")), daily.matches(at("2026-12-01T12:00:00Z"),
                at("2026-12-02T12:00:00Z")));
        assertEquals(ZoneId.of("Asia/Tokyo"), Cron.parse("0 7 * * *", ZoneId.of("Asia/Tokyo")).zone(), "the default zone");
    }

    private static Instant ny(int month, int day, int hour, int minute) {
        return ZonedDateTime.of(2026, month, day, hour, minute, 0, 0, NEW_YORK).toInstant();
    }

    @Test
    void springForward_aFixedTimeInTheSkippedHourRunsAnHourLater_notNever() {
        // 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist that day
        Cron c = Cron.parse("30 2 * * *", NEW_YORK);
        List<Instant> m = c.matches(ny(3, 7, 12, 0), ny(3, 9, 12, 0));
        assertEquals(List.of(at("2026-03-08T07:30:00Z"), ny(3, 9, 2, 30)), m,
                "the 8th at 03:30 EDT (07:30Z), the 9th at 02:30 EDT");
    }

    @Test
    void springForward_hourlyFollowsRealTime_noneLostNoneDoubled() {
        List<Instant> m = Cron.parse("0 * * * *", NEW_YORK).matches(ny(3, 8, 0, 30), ny(3, 8, 5, 30));
        // real hours 06Z .. 09Z: 01:00 EST, 03:00 EDT, 04:00, 05:00 (02:00 never exists)
        assertEquals(List.of(at("2026-03-08T06:00:00Z"), at("2026-03-08T07:00:00Z"), at("2026-03-08T08:00:00Z"),
                at("2026-03-08T09:00:00Z")), m);
    }

    @Test
    void fallBack_aFixedTimeInTheRepeatedHourRunsOnce_hourlyRunsEveryRealHour() {
        // 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice
        assertEquals(List.of(at("2026-11-01T05:30:00Z")), Cron.parse("30 1 * * *", NEW_YORK)
                .matches(at("2026-11-01T03:00:00Z"), at("2026-11-01T09:00:00Z")), "once, at the first 01:30 (EDT)");
        assertEquals(List.of(at("2026-11-01T05:00:00Z"), at("2026-11-01T06:00:00Z"), at("2026-11-01T07:00:00Z"),
                at("2026-11-01T08:00:00Z")), Cron.parse("0 * * * *", NEW_YORK)
                .matches(at("2026-11-01T04:30:00Z"), at("2026-11-01T08:30:00Z")),
                "01:00 EDT, 01:00 EST, 02:00 EST, 03:00 EST: every real hour");
    }

    @Test
    void next_listsTheComingRuns() {
        assertEquals(List.of(at("2026-12-01T07:00:00Z"), at("2026-12-02T07:00:00Z"), at("2026-12-03T07:00:00Z")),
                Cron.parse("0 7 * * *", UTC).next(at("2026-12-01T06:00:00Z"), 3));
        assertEquals(3, Cron.parse("0 0 29 2 *", UTC).next(at("2026-12-01T00:00:00Z"), 3).size(), "leap days, years apart");
    }

    @Test
    void badExpressions_sayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 7 * *", UTC)).getMessage()
                .contains("five fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("61 7 * * *", UTC)).getMessage()
                .contains("not a valid cron expression"));
        assertTrue(assertThrows(Cron.ZoneException.class, () -> Cron.parse("0 7 * * * Mars/Olympus", UTC)).getMessage()
                .contains("not a time zone"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("@fortnightly", UTC)).getMessage()
                .contains("not a cron nickname"));
    }
}
