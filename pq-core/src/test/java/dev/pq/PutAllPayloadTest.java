package dev.pq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * putAll's payloads travel as one array parameter: every byte of every payload and of the queue
 * name arrives as given (JSON with every character an array literal or COPY would give a meaning,
 * bytes of every value), the ids come back in the order given, the batch is all or nothing, and
 * the notification follows the rows.
 */
class PutAllPayloadTest extends PgTest {
    private static final int N = 150;

    @Test
    void jsonWithEveryCharacterThatQuotingTouches_roundTripsExactly() {
        // pretty-printed: raw newlines between tokens; escapes inside strings; a tab and CR in values
        ObjectMapper pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Queue<Map> q = pq.queue("a\tqueue\\with\nodd\rname", Serializers.json(pretty, Map.class));
        List<Map> items = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            items.add(Map.of("n", i, "s", "back\\slash \"quoted\" tab\there\nnewline\r\u00e9\u4e2d\ud83d\ude00 \\N \\."));
        }
        long[] ids = q.putAll(items);
        assertEquals(N, ids.length);
        for (int i = 0; i < N; i++) {
            Job<Map> job = q.poll().orElseThrow();
            assertEquals(ids[i], job.id(), "FIFO in the order given");
            assertEquals(items.get(i), job.data());
            assertEquals("a\tqueue\\with\nodd\rname", job.queue());
        }
    }

    @Test
    void binaryWithEveryByteValue_roundTripsExactly() {
        Queue<byte[]> q = pq.queue("bytes", Serializers.bytes());
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            byte[] b = new byte[i + 1];
            for (int k = 0; k <= i; k++) {
                b[k] = (byte) (k + i);
            }
            items.add(b);
        }
        long[] ids = q.putAll(items);
        assertEquals(256, ids.length);
        for (int i = 0; i < items.size(); i++) {
            Job<byte[]> job = q.poll().orElseThrow();
            assertEquals(ids[i], job.id());
            assertArrayEquals(items.get(i), job.data(), "item " + i);
        }
    }

    @Test
    void oneRowTheDatabaseRejects_writesNone() {
        pq.queue("apples").put("before");
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            items.add(i == 120 ? "bad\u0000nul" : "fine " + i); // jsonb cannot hold \u0000
        }
        PQException e = assertThrows(PQException.class, () -> pq.queue("apples").putAll(items));
        assertNotNull(e.getCause());
        assertEquals(1, rowCount());
    }

    @Test
    void inTheCallersTransaction_rollbackLeavesNothing_andCommitShowsEveryJob() throws Exception {
        Queue<Object> q = pq.queue("apples");
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            items.add(Map.of("n", i));
        }
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            q.putAll(c, items);
            c.rollback();
            assertEquals(0, rowCount());
            long[] ids = q.putAll(c, items);
            assertEquals(0, rowCount(), "not visible before the caller commits");
            c.commit();
            assertEquals(N, rowCount());
            assertEquals(ids[0], q.poll().orElseThrow().id());
        }
    }

    @Test
    void aWaitingGetter_isWokenAfterTheRowsAreThere_withAutoCommitAndInATransaction() throws Exception {
        try (PQ slowPoll = builder().poolSize(4).pollInterval(Duration.ofSeconds(30)).build()) {
            Queue<Object> waiting = slowPoll.queue("apples");
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                items.add(i);
            }
            // auto-commit: the notification is sent after the COPY committed, so the getter finds a job
            CompletableFuture<Job<Object>> first = CompletableFuture.supplyAsync(() -> waiting.get(Duration.ofSeconds(20)).orElse(null));
            awaitWaiter();
            long[] ids = pq.queue("apples").putAll(items);
            Job<Object> got = first.get(10, TimeUnit.SECONDS);
            assertNotNull(got, "woken within the 30 s poll interval");
            assertEquals(ids[0], got.id());
            pq.queue("apples").clear();

            CompletableFuture<Job<Object>> second = CompletableFuture.supplyAsync(() -> waiting.get(Duration.ofSeconds(20)).orElse(null));
            awaitWaiter();
            try (Connection c = TestDatabase.connect()) {
                c.setAutoCommit(false);
                long[] inTx = pq.queue("apples").putAll(c, items);
                assertFalse(second.isDone(), "nothing is sent before the caller commits");
                c.commit();
                Job<Object> woken = second.get(10, TimeUnit.SECONDS);
                assertNotNull(woken);
                assertEquals(inTx[0], woken.id());
            }
        }
    }

    /** Until a getter is registered as waiting on "apples" (its registration commits before it looks). */
    private void awaitWaiter() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queryLong("SELECT count(*) FROM " + schema + ".queue_waiters WHERE queue = 'apples'") == 0) {
            assertTrue(System.nanoTime() < deadline, "no getter registered within 10 s");
            Thread.sleep(10);
        }
    }
}
