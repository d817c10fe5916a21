package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.spi.Serializer;
import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets a specific exception whose message names the value, and nothing is written. */
class BadInputTest extends PgTest {

    @AfterEach
    void nothingWritten() {
        if (!pq.isClosed()) {
            assertEquals(0, rowCount(), "bad input must not write anything");
        }
    }

    private static <X extends Throwable> X assertMessage(Class<X> type, Executable call, String... parts) {
        X e = assertThrows(type, call);
        for (String part : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(part),
                    "message should contain [" + part + "]: " + e.getMessage());
        }
        return e;
    }

    @Test
    void nullData_isRejectedNamingData() throws Exception {
        Queue<Object> q = pq.queue("apples");
        assertMessage(NullPointerException.class, () -> q.put(null), "data", "apples");
        assertMessage(NullPointerException.class, () -> q.put((Object) null, Duration.ofMinutes(5)), "data");
        assertMessage(NullPointerException.class, () -> q.put(null, "5m", "1h"), "data");
        assertMessage(NullPointerException.class, () -> q.put(null, Instant.now(), null), "data");
        try (Connection c = TestDatabase.connect()) {
            assertMessage(NullPointerException.class, () -> q.put(c, (Object) null), "data");
            assertMessage(NullPointerException.class, () -> q.put((Connection) null, (Object) "x"), "connection");
        }
        assertMessage(NullPointerException.class, () -> q.putAll(null), "items");
        assertMessage(NullPointerException.class, () -> pq.queue("apples", Serializers.string()).put(null), "data");
    }

    @Test
    void emptyOrNullQueueName_isRejected() {
        assertMessage(IllegalArgumentException.class, () -> pq.queue(""), "queue name", "\"\"");
        assertMessage(NullPointerException.class, () -> pq.queue(null), "queue name");
        assertMessage(NullPointerException.class, () -> pq.queue("apples", (Class<Object>) null), "type");
        assertMessage(NullPointerException.class, () -> pq.queue("apples", (Serializer<Object>) null), "serializer");
    }

    @Test
    void negativeTimeout_isRejectedNamingTheValue() {
        Queue<Object> q = pq.queue("apples");
        assertMessage(IllegalArgumentException.class, () -> q.get(Duration.ofSeconds(-1)), "timeout", "PT-1S");
        assertMessage(IllegalArgumentException.class, () -> q.get(Duration.ofMillis(-5)), "PT-0.005S");
        assertMessage(NullPointerException.class, () -> q.get(null), "timeout");
        try (Transaction<Object> tx = q.transaction()) {
            assertMessage(IllegalArgumentException.class, () -> tx.get(Duration.ofSeconds(-2)), "PT-2S");
        }
        assertMessage(IllegalArgumentException.class, () -> q.untilIdle(Duration.ofSeconds(-3)), "PT-3S");
    }

    @Test
    void unparseableTimes_areRejectedNamingTheTextAndWhichTime() {
        Queue<Object> q = pq.queue("apples");
        for (String bad : List.of("5 parsecs", "soon", "", "5M", "1.5.5h", "-5", "h", "5m30", "2026-11-21T16:22:06",
                "2026-11-21", "PT", "P5X")) {
            assertMessage(IllegalArgumentException.class, () -> q.put("x", bad), "scheduleAt", "\"" + bad + "\"");
            assertMessage(IllegalArgumentException.class, () -> q.put("x", null, bad), "expectedAt", "\"" + bad + "\"");
        }
        IllegalArgumentException e = assertMessage(IllegalArgumentException.class, () -> q.put("x", "5 parsecs"),
                "30s", "PT5M");
        assertTrue(e.getMessage().startsWith("cannot parse scheduleAt \"5 parsecs\""), e.getMessage());
    }

    @Test
    void unparseableTime_inTheCallersTransaction_writesNothingThere() throws Exception {
        Queue<Object> q = pq.queue("apples");
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            assertMessage(IllegalArgumentException.class, () -> q.put(c, "x", "5 parsecs", null), "5 parsecs");
            c.commit();
        }
    }

    @Test
    void timesTooLargeToSchedule_areRejected() {
        Queue<Object> q = pq.queue("apples");
        assertMessage(IllegalArgumentException.class, () -> q.put("x", "99999999999999999999d"),
                "99999999999999999999d");
        assertMessage(IllegalArgumentException.class, () -> q.put("x", "9999999999999999w"), "9999999999999999w");
        assertMessage(IllegalArgumentException.class, () -> q.put("x", Duration.ofSeconds(Long.MAX_VALUE)),
                "too large");
    }

    @Test
    void closedPQ_isRejected_forEveryWrite() {
        Queue<Object> q = pq.queue("apples");
        pq.close();
        assertMessage(PQClosedException.class, () -> q.put("x"), "closed", schema);
        assertMessage(PQClosedException.class, () -> q.put("x", "5m"), "closed");
        assertMessage(PQClosedException.class, () -> q.putAll(List.of("x")), "closed");
        assertMessage(PQClosedException.class, () -> pq.queue("apples"), "closed");
        assertEquals(0, rowCount());
    }

    @Test
    void badTableOrSchemaNames_areRejectedBeforeAnythingIsCreated() {
        for (String bad : List.of("queue; DROP TABLE queue", "bad-name", "quoted\"name", "space name", "ünïcode")) {
            assertMessage(IllegalArgumentException.class,
                    () -> PQ.builder().url(TestDatabase.url()).schema(schema).table(bad).build(), "table", bad);
            assertMessage(IllegalArgumentException.class,
                    () -> PQ.builder().url(TestDatabase.url()).schema(bad).build(), "schema", bad);
        }
        assertEquals("pq_schema_versions,queue,queue_paused,queue_rate_slots,queue_scheduler,queue_scheduler_enqueued,"
                + "queue_scheduler_runs,queue_stats,queue_stats_depth,queue_stats_series,queue_unique,queue_waiters,"
                + "queue_workers",
                queryOne("SELECT string_agg(tablename, ',' ORDER BY tablename) "
                + "FROM pg_tables WHERE schemaname = ?", schema), "only the test's own tables exist");
    }
}
