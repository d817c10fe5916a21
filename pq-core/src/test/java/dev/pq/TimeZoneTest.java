package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Times survive sessions and JVMs that are not in UTC: the suite's JVM runs in Asia/Kolkata
 * (+05:30, see pq-core's pom), and callers' connections may use any zone (Pacific/Chatham is
 * +13:45 or +12:45).
 */
class TimeZoneTest extends PgTest {

    private static String sessionZone(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW TimeZone")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Connection chatham() throws SQLException {
        Connection c = TestDatabase.connect();
        try (Statement st = c.createStatement()) {
            st.execute("SET TIME ZONE 'Pacific/Chatham'");
        }
        return c;
    }

    private long epochSeconds(String column, long id) {
        return queryLong("SELECT extract(epoch FROM " + column + ")::bigint FROM " + table() + " WHERE id = ?", id);
    }

    @Test
    void theSuiteRunsInAZoneThatIsNotUtc() throws Exception {
        ZoneId zone = ZoneId.systemDefault();
        assertNotEquals(ZoneOffset.UTC, zone.getRules().getOffset(Instant.now()),
                "run the tests with -Duser.timezone=Asia/Kolkata (pq-core's surefire argLine does): " + zone);
        try (Transaction<Object> tx = pq.queue("apples").transaction()) {
            String session = sessionZone(tx.connection());
            assertEquals(zone.getId(), session, "pq's own sessions use the JVM's zone");
            assertNotEquals("UTC", session);
        }
    }

    @Test
    void instantsAndTexts_areStoredAsTheSameAbsoluteTime_inANonUtcSession() {
        Queue<Object> q = pq.queue("apples");
        long a = q.put("a", Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-06-01T00:00:00Z"));
        long b = q.put("b", "2030-01-01T05:30:00+05:30", "2030-06-01T00:00:00Z");
        assertEquals(1893456000L, epochSeconds("schedule_at", a));
        assertEquals(1893456000L, epochSeconds("schedule_at", b));
        assertEquals(1906502400L, epochSeconds("expected_at", a), "summer time makes no difference");
        assertTrue(q.poll().isEmpty(), "2030 is not due");
        long past = q.put("c", "2020-07-01T12:00:00+05:30");
        assertEquals(1593585000L, epochSeconds("schedule_at", past));
        Job<Object> job = q.poll().orElseThrow();
        assertEquals(past, job.id());
        assertEquals(Instant.parse("2020-07-01T06:30:00Z"), job.scheduleAt());
    }

    @Test
    void enqueuedAt_isNow_notShiftedByTheZone() {
        Queue<Object> q = pq.queue("apples");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long id = q.put("x");
        Job<Object> job = q.poll().orElseThrow();
        assertEquals(id, job.id());
        Duration off = Duration.between(before, job.enqueuedAt()).abs();
        assertTrue(off.compareTo(Duration.ofMinutes(1)) < 0, "enqueuedAt " + job.enqueuedAt() + " vs now " + before);
    }

    @Test
    void putWithAConnectionInChathamTime_storesTheRightTimes() throws Exception {
        Queue<Object> q = pq.queue("apples");
        try (Connection c = chatham()) {
            assertEquals("Pacific/Chatham", sessionZone(c));
            long a = q.put(c, Map.of("n", 1), Instant.parse("2030-01-01T00:00:00Z"), null);
            long b = q.put(c, Map.of("n", 2), "2030-01-01T13:45:00+13:45", "2030-01-02T00:00:00Z");
            long d = q.put(c, Map.of("n", 3), "5m", null);
            assertEquals(1893456000L, epochSeconds("schedule_at", a));
            assertEquals(1893456000L, epochSeconds("schedule_at", b));
            assertEquals(1893542400L, epochSeconds("expected_at", b));
            Map<String, Object> row = storedRow(d);
            Duration in = Duration.between(micros(row.get("enqueued_us")), micros(row.get("schedule_us")));
            assertTrue(in.minus(Duration.ofMinutes(5)).abs().compareTo(Duration.ofSeconds(1)) < 0, "5m became " + in);
            Duration enqueuedOff = Duration.between(Instant.now(), micros(row.get("enqueued_us"))).abs();
            assertTrue(enqueuedOff.compareTo(Duration.ofMinutes(1)) < 0, "enqueued_at off by " + enqueuedOff);
        }
    }

    @Test
    void pqOverAConnectionInChathamTime_readsAndSchedulesCorrectly() throws Exception {
        try (Connection c = chatham(); PQ chathamPq = PQ.builder().connection(c).schema(schema).build()) {
            Queue<Object> q = chathamPq.queue("apples");
            Instant at = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MICROS);
            Instant expected = Instant.parse("2031-03-04T05:06:07.891011Z");
            long id = q.put("due five seconds ago", at, expected);
            q.put("due in an hour", Instant.now().plus(Duration.ofHours(1)));
            Job<Object> job = q.poll().orElseThrow(() -> new AssertionError("a past schedule must be ready"));
            assertEquals(id, job.id());
            assertEquals(at, job.scheduleAt());
            assertEquals(expected, job.expectedAt());
            Duration off = Duration.between(Instant.now(), job.enqueuedAt()).abs();
            assertTrue(off.compareTo(Duration.ofMinutes(1)) < 0, "enqueuedAt " + job.enqueuedAt());
            assertTrue(q.poll().isEmpty(), "a future schedule is not ready, whatever the session zone");
            assertEquals("Pacific/Chatham", sessionZone(c), "pq leaves the caller's session zone alone");
        }
    }

    @Test
    void scheduledJob_putFromChathamSession_isDueAtTheRightMoment() throws Exception {
        Queue<Object> q = pq.queue("apples");
        try (Connection c = chatham()) {
            Instant due = Instant.now().plusMillis(1500);
            q.put(c, "soon", due, null);
        }
        assertTrue(q.poll().isEmpty(), "not early");
        Job<Object> job = q.get(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("not delivered"));
        Duration late = Duration.between(job.scheduleAt(), Instant.now());
        assertTrue(!late.isNegative() && late.compareTo(Duration.ofSeconds(1)) < 0, "late by " + late);
    }
}
