package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.spi.Serializer;
import dev.pq.testing.PgTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Queue handles, names (any non-empty text up to 1000 characters, never SQL) and listing. */
class QueueNamesTest extends PgTest {

    record Apple(String kind) {
    }

    @Test
    void queue_returnsTheSameHandle_forTheSameNameAndSerializer() {
        assertSame(pq.queue("apples"), pq.queue("apples"));
        assertSame(pq.queue("apples", Apple.class), pq.queue("apples", Apple.class));
        Serializer<String> s = Serializers.string();
        assertSame(pq.queue("apples", s), pq.queue("apples", s));
        assertNotSame(pq.queue("apples"), pq.queue("pears"));
        assertNotSame(pq.queue("apples"), (Object) pq.queue("apples", Apple.class));
        assertEquals("apples", pq.queue("apples").name());
    }

    @Test
    void queuesWithTheSameName_shareJobs_whateverTheHandle() {
        pq.queue("apples", Apple.class).put(new Apple("Cox"));
        Job<Object> job = pq.queue("apples").poll().orElseThrow();
        assertEquals(Map.of("kind", "Cox"), job.data());
    }

    @Test
    void queues_doNotSeeEachOthersJobs() {
        pq.queue("apples").put("Cox");
        assertTrue(pq.queue("pears").poll().isEmpty());
        assertTrue(pq.queue("Apples").poll().isEmpty(), "names are case-sensitive");
        assertTrue(pq.queue("apples ").poll().isEmpty(), "names are not trimmed");
        assertEquals("Cox", pq.queue("apples").poll().orElseThrow().data());
    }

    @Test
    void unusualNames_work_andAreStoredVerbatim() {
        List<String> names = List.of(
                "with spaces in it",
                "äpfel und birnen 🍎🍐 日本語",
                "q".repeat(64),
                "q".repeat(65),
                "ü".repeat(1000),
                "🍎".repeat(500), // 1000 UTF-16 chars, 2000 bytes
                "a\"b'c\\d",
                "x'); DROP TABLE queue; --",
                "\"; DROP TABLE queue; --",
                "$$; DROP TABLE queue; $$",
                "pq_queue_channel",
                "tab\there\nnewline");
        for (String name : names) {
            Queue<Object> q = pq.queue(name);
            long id = q.put("job of " + name);
            assertEquals(1, rowCount(name), "stored under its exact name: " + name);
            assertEquals(name, queryOne("SELECT queue FROM " + table() + " WHERE id = ?", id));
            assertEquals(1, q.size());
        }
        List<QueueInfo> listed = pq.queues();
        assertEquals(names.size(), listed.size());
        for (String name : names) {
            assertTrue(listed.contains(new QueueInfo(name, 1, 0)), "listed: " + name);
            Job<Object> job = pq.queue(name).poll().orElseThrow();
            assertEquals("job of " + name, job.data());
            assertEquals(name, job.queue());
        }
        assertNotNull(queryOne("SELECT to_regclass(?)::text", schema + ".queue"), "the table is still there");
        assertEquals(0, rowCount());
        pq.queue("after").put("still works");
        assertEquals(1, rowCount());
    }

    @Test
    void longUnicodeName_waitingGetter_isWokenByItsNotification() throws Exception {
        String name = "🍎 ".repeat(333) + "x"; // 1000 chars
        assertEquals(1000, name.length());
        try (PQ slowPoll = builder().poolSize(4).pollInterval(Duration.ofSeconds(30)).build()) {
            Queue<Object> q = slowPoll.queue(name);
            CompletableFuture<Job<Object>> getter = CompletableFuture.supplyAsync(
                    () -> q.get(Duration.ofSeconds(20)).orElse(null));
            Thread.sleep(500);
            long t0 = System.nanoTime();
            long id = pq.queue(name).put("hello");
            Job<Object> job = getter.get(30, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNotNull(job, "the getter timed out: its notification was not delivered");
            assertEquals(id, job.id());
            assertTrue(ms < 10_000, "woken by NOTIFY, not by polling: " + ms + " ms");
        }
    }

    @Test
    void name_ofMaximumLength_isAccepted_andOneMoreIsRejected() {
        pq.queue("n".repeat(1000)).put("fits");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pq.queue("n".repeat(1001)));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
        assertTrue(e.getMessage().contains("1001 given"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pq.queue("n".repeat(1001), Apple.class));
        assertThrows(IllegalArgumentException.class, () -> pq.queue("n".repeat(1001), Serializers.bytes()));
        assertEquals(1, rowCount());
    }

    @Test
    void emptyName_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pq.queue(""));
        assertEquals("queue name must not be empty: \"\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pq.queue("", Apple.class));
        assertThrows(IllegalArgumentException.class, () -> pq.queue("", Serializers.string()));
    }

    @Test
    void nullName_andNulCharacter_areRejected() {
        NullPointerException npe = assertThrows(NullPointerException.class, () -> pq.queue(null));
        assertTrue(npe.getMessage().contains("queue name"), npe.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pq.queue("a\0b"));
        assertTrue(e.getMessage().contains("a\\0b"), e.getMessage());
    }

    @Test
    void queues_listsReadyAndScheduledCounts_byName() {
        Queue<Object> apples = pq.queue("apples");
        apples.put("a1");
        apples.put("a2");
        apples.put("a3", Duration.ofHours(1));
        apples.put("a4", Instant.now().minusSeconds(60)); // scheduled in the past: ready
        pq.queue("pears").put("p1", "1d");
        pq.queue("cherries").put("c1");
        assertEquals(List.of(
                new QueueInfo("apples", 3, 1),
                new QueueInfo("cherries", 1, 0),
                new QueueInfo("pears", 0, 1)), pq.queues());
        pq.queue("cherries").poll();
        assertEquals(List.of(new QueueInfo("apples", 3, 1), new QueueInfo("pears", 0, 1)), pq.queues(),
                "a queue without jobs is not listed");
    }

    @Test
    void readyCount_pqLengthPort_growsWhenAScheduledJobFallsDue() throws Exception {
        // pq's test_length: len(queue) counts ready jobs only, as Queue.size() and QueueInfo.ready do.
        Queue<Object> q = pq.queue("test");
        q.put(Map.of("foo", "bar"));
        assertEquals(List.of(new QueueInfo("test", 1, 0)), pq.queues());
        q.put(Map.of("foo", "bar"), "800ms");
        assertEquals(List.of(new QueueInfo("test", 1, 1)), pq.queues(), "still 1 ready with a job scheduled");
        assertEquals(1, q.size(), "Length should still be 1 with job scheduled for the future");
        q.put(Map.of("foo", "bar"));
        assertEquals(2, pq.queues().get(0).ready());
        q.poll().orElseThrow();
        assertEquals(List.of(new QueueInfo("test", 1, 1)), pq.queues());
        Thread.sleep(1200);
        assertEquals(List.of(new QueueInfo("test", 2, 0)), pq.queues(), "back to 2 ready in the future");
        assertEquals(2, q.size());
    }

    @Test
    void size_countsReadyJobsOnly_clearRemovesOnlyThatQueue() {
        Queue<Object> apples = pq.queue("apples");
        assertEquals(0, apples.size());
        apples.put("a");
        assertEquals(1, apples.size());
        apples.put("b", "1h");
        assertEquals(1, apples.size(), "a job scheduled for later is not counted");
        apples.put("c");
        assertEquals(2, apples.size());
        apples.poll();
        assertEquals(1, apples.size());
        pq.queue("pears").put("p");
        assertEquals(2, apples.clear());
        assertEquals(0, apples.size());
        assertEquals(1, rowCount("pears"));
        assertEquals(0, apples.clear());
    }

    @Test
    void delete_removesOneJobOfThatQueueOnly() {
        long a = pq.queue("apples").put("a");
        long b = pq.queue("apples").put("b");
        long p = pq.queue("pears").put("p");
        assertTrue(pq.queue("apples").delete(a));
        assertTrue(!pq.queue("apples").delete(a), "already gone");
        assertTrue(!pq.queue("apples").delete(p), "a job of another queue is not deleted");
        assertEquals(b, pq.queue("apples").poll().orElseThrow().id());
        assertEquals(1, rowCount("pears"));
    }
}
