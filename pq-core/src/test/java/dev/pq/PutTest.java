package dev.pq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** put and putAll: ids, times as Instant/Duration/text, atomicity, and enqueue in the caller's transaction. */
class PutTest extends PgTest {
    /** Slack for "computed from now" times: generous, the machine is shared. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    private Instant scheduleAt(long id) {
        return micros(storedRow(id).get("schedule_us"));
    }

    private Instant expectedAt(long id) {
        return micros(storedRow(id).get("expected_us"));
    }

    private Instant enqueuedAt(long id) {
        return micros(storedRow(id).get("enqueued_us"));
    }

    /** The stored time is {@code offset} after the row's enqueue time (same statement, same clock). */
    private static void assertOffset(Duration offset, Instant enqueued, Instant at, String what) {
        Duration actual = Duration.between(enqueued, at);
        assertTrue(actual.minus(offset).abs().compareTo(Duration.ofSeconds(1)) < 0,
                what + ": expected " + offset + " after enqueue, got " + actual);
    }

    private void assertNearDbNow(Instant t) {
        Instant now = dbNow();
        assertTrue(Duration.between(t, now).abs().compareTo(SLACK) < 0, t + " is not near the database's now " + now);
    }

    @Test
    void put_returnsIncreasingIds_andStoresOneRowEach() {
        Queue<Object> q = pq.queue("apples");
        long previous = 0;
        for (int i = 0; i < 20; i++) {
            long id = q.put(Map.of("n", i));
            assertTrue(id > previous, id + " after " + previous);
            assertEquals(Long.valueOf(i), queryLong("SELECT (data->>'n')::bigint FROM " + table() + " WHERE id = ?", id));
            previous = id;
        }
        assertEquals(20, rowCount("apples"));
    }

    @Test
    void put_withoutTimes_storesNullTimes_andEnqueuedAtNow() {
        long id = pq.queue("apples").put("Cox");
        Map<String, Object> row = storedRow(id);
        assertNull(row.get("schedule_us"));
        assertNull(row.get("expected_us"));
        assertNearDbNow(micros(row.get("enqueued_us")));
    }

    @Test
    void put_withInstant_storesExactlyThatInstant() {
        Queue<Object> q = pq.queue("apples");
        Instant at = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MICROS);
        Instant exp = at.plus(Duration.ofMinutes(7));
        long a = q.put("a", at);
        long b = q.put("b", at, exp);
        long c = q.put("c", (Instant) null, exp);
        assertEquals(at, scheduleAt(a));
        assertNull(expectedAt(a));
        assertEquals(at, scheduleAt(b));
        assertEquals(exp, expectedAt(b));
        assertNull(scheduleAt(c));
        assertEquals(exp, expectedAt(c));
        Instant old = Instant.parse("1999-12-31T23:59:59.123456Z");
        assertEquals(old, scheduleAt(q.put("d", old)));
    }

    @Test
    void put_withDuration_isRelativeToTheDatabaseClock() {
        Queue<Object> q = pq.queue("apples");
        long a = q.put("a", Duration.ofMinutes(5));
        long b = q.put("b", Duration.ofSeconds(30), Duration.ofHours(2));
        long c = q.put("c", Duration.ofSeconds(-30));
        assertOffset(Duration.ofMinutes(5), enqueuedAt(a), scheduleAt(a), "5 minutes");
        assertOffset(Duration.ofSeconds(30), enqueuedAt(b), scheduleAt(b), "30 s");
        assertOffset(Duration.ofHours(2), enqueuedAt(b), expectedAt(b), "2 h");
        assertOffset(Duration.ofSeconds(-30), enqueuedAt(c), scheduleAt(c), "-30 s");
        assertNearDbNow(enqueuedAt(a));
        assertEquals("c", q.poll().orElseThrow().data(), "a time in the past is ready at once");
        assertTrue(q.poll().isEmpty());
    }

    @Test
    void put_withText_parsesEveryDocumentedForm() {
        Queue<Object> q = pq.queue("apples");
        Map<String, Duration> forms = Map.ofEntries(Map.entry("45", Duration.ofSeconds(45)),
                Map.entry("0.5", Duration.ofMillis(500)), Map.entry("1.5h", Duration.ofMinutes(90)),
                Map.entry("30s", Duration.ofSeconds(30)),
                Map.entry("5m", Duration.ofMinutes(5)),
                Map.entry("1h30m", Duration.ofMinutes(90)),
                Map.entry("2d", Duration.ofDays(2)),
                Map.entry("1w", Duration.ofDays(7)),
                Map.entry("250ms", Duration.ofMillis(250)),
                Map.entry("1d2h3m4s", Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4)),
                Map.entry("PT5M", Duration.ofMinutes(5)),
                Map.entry("P1DT1H", Duration.ofHours(25)),
                Map.entry(" 10s ", Duration.ofSeconds(10)));
        for (Map.Entry<String, Duration> f : forms.entrySet()) {
            long id = q.put("x", f.getKey());
            assertOffset(f.getValue(), enqueuedAt(id), scheduleAt(id), "\"" + f.getKey() + "\"");
            long id2 = q.put("y", null, f.getKey());
            assertNull(scheduleAt(id2));
            assertOffset(f.getValue(), enqueuedAt(id2), expectedAt(id2), "expectedAt \"" + f.getKey() + "\"");
        }
    }

    @Test
    void put_withIsoTimeText_storesThatInstant_whateverItsOffset() {
        Queue<Object> q = pq.queue("apples");
        Instant expected = Instant.parse("2030-01-01T00:00:00Z");
        assertEquals(expected, scheduleAt(q.put("z", "2030-01-01T00:00:00Z")));
        assertEquals(expected, scheduleAt(q.put("kolkata", "2030-01-01T05:30:00+05:30")));
        assertEquals(expected, scheduleAt(q.put("chatham", "2030-01-01T13:45:00+13:45")));
        assertEquals(expected, scheduleAt(q.put("ny", "2029-12-31T19:00:00-05:00")));
        assertEquals(Instant.parse("2030-01-01T00:00:00.123456Z"),
                scheduleAt(q.put("fraction", "2030-01-01T00:00:00.123456Z")));
        long both = q.put("both", "2030-01-01T00:00:00Z", "2030-01-02T00:00:00Z");
        assertEquals(Instant.parse("2030-01-02T00:00:00Z"), expectedAt(both));
        assertEquals(1893456000L, queryLong("SELECT extract(epoch FROM schedule_at)::bigint FROM " + table()
                + " WHERE id = ?", both), "checked in SQL too");
    }

    @Test
    void put_oneHourThirtyMinutes_likePqsSchedulingAndExpectation() {
        // pq: queue.put({'kind': 'Cox'}, '1h', '2h')
        long id = pq.queue("apples").put(Map.of("kind", "Cox"), "1h", "2h");
        assertOffset(Duration.ofHours(1), enqueuedAt(id), scheduleAt(id), "1h");
        assertOffset(Duration.ofHours(2), enqueuedAt(id), expectedAt(id), "2h");
        assertTrue(pq.queue("apples").poll().isEmpty(), "not ready for an hour");
    }

    // ---- putAll -------------------------------------------------------------------------------

    @Test
    void putAll_returnsIdsInTheOrderGiven() {
        Queue<Object> q = pq.queue("apples");
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            items.add(Map.of("n", i));
        }
        long[] ids = q.putAll(items);
        assertEquals(500, ids.length);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            expected.append(i == 0 ? "" : ",").append(ids[i]).append(':').append(i);
            if (i > 0) {
                assertTrue(ids[i] > ids[i - 1]);
            }
        }
        assertEquals(expected.toString(), queryOne("SELECT string_agg(id || ':' || (data->>'n'), ',' ORDER BY id) FROM "
                + table()), "ids[i] is the id of item i");
        for (int i = 0; i < ids.length; i++) {
            Job<Object> job = q.poll().orElseThrow();
            assertEquals(ids[i], job.id(), "FIFO in the order given");
            assertEquals(Map.of("n", i), job.data());
        }
    }

    @Test
    void putAll_fromManyThreadsAtOnce_returnsEachBatchsIdsInItsOwnOrder() throws Exception {
        int threads = 6;
        int batches = 5;
        int size = 300;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        try {
            List<java.util.concurrent.Future<Map<String, long[]>>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    Map<String, long[]> mine = new java.util.HashMap<>();
                    start.await();
                    for (int b = 0; b < batches; b++) {
                        List<Object> items = new ArrayList<>();
                        for (int i = 0; i < size; i++) {
                            items.add(Map.of("batch", thread + "/" + b, "n", i));
                        }
                        mine.put(thread + "/" + b, pq.queue("apples").putAll(items));
                    }
                    return mine;
                }));
            }
            for (java.util.concurrent.Future<Map<String, long[]>> f : done) {
                for (Map.Entry<String, long[]> batch : f.get(60, java.util.concurrent.TimeUnit.SECONDS).entrySet()) {
                    StringBuilder expected = new StringBuilder();
                    long[] ids = batch.getValue();
                    for (int i = 0; i < ids.length; i++) {
                        expected.append(i == 0 ? "" : ",").append(ids[i]).append(':').append(i);
                    }
                    assertEquals(expected.toString(), queryOne("SELECT string_agg(id || ':' || (data->>'n'), ',' "
                            + "ORDER BY id) FROM " + table() + " WHERE data->>'batch' = ?", batch.getKey()),
                            "batch " + batch.getKey() + ": ids[i] is the id of item i");
                }
            }
            assertEquals((long) threads * batches * size, rowCount());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void putAll_binary_returnsIdsInOrder() {
        Queue<String> q = pq.queue("lines", Serializers.string());
        long[] ids = q.putAll(List.of("one", "two", "three"));
        assertEquals(3, ids.length);
        assertEquals("one", q.poll().orElseThrow().data());
        assertEquals(ids[1], q.poll().orElseThrow().id());
        assertEquals("three", q.poll().orElseThrow().data());
        assertNull(queryOne("SELECT max(id) FROM " + table()));
    }

    @Test
    void putAll_ofNothing_writesNothing() {
        assertArrayEquals(new long[0], pq.queue("apples").putAll(List.of()));
        assertEquals(0, rowCount());
    }

    @Test
    void putAll_isAtomic_whenTheDatabaseRejectsOneRow() {
        pq.queue("apples").put("before");
        // jsonb cannot hold \u0000: the database rejects the second item, so none is written
        PQException e = assertThrows(PQException.class,
                () -> pq.queue("apples").putAll(List.of("fine", "bad\u0000nul", "also fine")));
        assertNotNull(e.getCause());
        assertEquals(1, rowCount());
    }

    @Test
    void putAll_isAtomic_whenOneItemCannotBeEncoded() {
        Queue<Object> q = pq.queue("kryo", Serializers.kryo(Object.class, String.class));
        SerializationException e = assertThrows(SerializationException.class,
                () -> q.putAll(List.of("registered", new StringBuilder("not registered"), "again")));
        assertNull(e.jobId());
        assertEquals(0, rowCount());
    }

    @Test
    void putAll_rejectsANullItem_namingItsIndex() {
        List<Object> items = new ArrayList<>(List.of("a", "b"));
        items.add(null);
        NullPointerException e = assertThrows(NullPointerException.class, () -> pq.queue("apples").putAll(items));
        assertTrue(e.getMessage().contains("items[2]"), e.getMessage());
        assertEquals(0, rowCount());
    }

    // ---- in the caller's transaction ----------------------------------------------------------

    @Test
    void putWithConnection_isInvisibleUntilCommit() throws Exception {
        Queue<Object> q = pq.queue("apples");
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            long id = q.put(c, Map.of("kind", "Cox"));
            assertTrue(q.poll().isEmpty(), "not visible before commit");
            assertEquals(0, q.size());
            assertEquals(0, rowCount());
            c.commit();
            assertEquals(id, q.poll().orElseThrow().id());
        }
    }

    @Test
    void putWithConnection_isGoneAfterRollback_togetherWithTheCallersRows() throws Exception {
        TestDatabase.execute("CREATE TABLE " + schema + ".orders (id int PRIMARY KEY)");
        Queue<Object> q = pq.queue("apples");
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            try (var st = c.createStatement()) {
                st.execute("INSERT INTO " + schema + ".orders VALUES (1)");
            }
            q.put(c, Map.of("order", 1));
            q.putAll(c, List.of("x", "y"));
            q.put(c, Map.of("later", true), "2030-01-01T00:00:00Z", null);
            c.rollback();
        }
        assertEquals(0, rowCount());
        assertEquals(0, queryLong("SELECT count(*) FROM " + schema + ".orders"));
        assertTrue(q.poll().isEmpty());
    }

    @Test
    void putAllWithConnection_isVisibleAfterCommit() throws Exception {
        Queue<Object> q = pq.queue("apples");
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            long[] ids = q.putAll(c, List.of("a", "b"));
            assertEquals(0, rowCount());
            c.commit();
            assertEquals(ids[0], q.poll().orElseThrow().id());
            assertEquals(ids[1], q.poll().orElseThrow().id());
        }
    }

    @Test
    void putWithConnection_wakesAWaitingGetterOnlyWhenCommitted() throws Exception {
        try (PQ slowPoll = builder().poolSize(4).pollInterval(Duration.ofSeconds(30)).build();
             Connection c = TestDatabase.connect()) {
            Queue<Object> waiting = slowPoll.queue("apples");
            CompletableFuture<Job<Object>> getter = CompletableFuture.supplyAsync(
                    () -> waiting.get(Duration.ofSeconds(20)).orElse(null));
            Thread.sleep(300);
            c.setAutoCommit(false);
            long id = pq.queue("apples").put(c, Map.of("kind", "Cox"));
            Thread.sleep(1000);
            assertFalse(getter.isDone(), "a getter must not see an uncommitted job");
            long t0 = System.nanoTime();
            c.commit();
            Job<Object> job = getter.get(30, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNotNull(job, "the getter timed out");
            assertEquals(id, job.id());
            assertTrue(ms < 10_000, "woken by the commit's notification: " + ms + " ms");
        }
    }

    @Test
    void putInsideATransactionScope_commitsWithIt() {
        // pq's test_context_manager_put: `with queue: queue.put(...)`
        Queue<Object> q = pq.queue("apples");
        try (Transaction<Object> tx = q.transaction()) {
            q.put(tx.connection(), Map.of("foo", "bar"));
            assertEquals(0, rowCount());
            tx.commit();
        }
        assertEquals(Map.of("foo", "bar"), q.get().orElseThrow().data());
    }

    @Test
    void putInsideATransactionScope_isRolledBackByAnException() {
        // pq's test_context_manager_exception
        Queue<Object> q = pq.queue("apples");
        assertThrows(IllegalStateException.class, () -> {
            try (Transaction<Object> tx = q.transaction()) {
                q.put(tx.connection(), Map.of("foo", "bar"));
                throw new IllegalStateException("boom");
            }
        });
        assertTrue(q.poll().isEmpty());
        assertEquals(0, rowCount());
    }
}
