package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** pq's kept-history get: the row stays, marked dequeued and finished, and is never handed out again. */
class KeepHistoryTest extends PgTest {

    private Map<String, Object> kept(long id) {
        return queryRow("SELECT data::text AS data, dequeued_at, finished_at, failed_at FROM " + table()
                + " WHERE id = ?", id);
    }

    private long keptRows() {
        return queryLong("SELECT count(*) FROM " + table() + " WHERE dequeued_at IS NOT NULL AND finished_at IS NOT NULL");
    }

    @Test
    void keptGet_marksTheRowDequeuedAndFinished_andNeverHandsItOutAgain() {
        Queue<Object> q = pq.queue("apples").keepHistory(true);
        long id = q.put(Map.of("kind", "Cox"));
        Job<Object> job = q.get().orElseThrow();
        assertEquals(id, job.id());
        assertEquals(Map.of("kind", "Cox"), job.data());
        Map<String, Object> row = kept(id);
        assertNotNull(row, "the row is kept");
        assertNotNull(row.get("dequeued_at"));
        assertEquals(row.get("dequeued_at"), row.get("finished_at"), "one time for both marks");
        assertNull(row.get("failed_at"));
        assertTrue(q.poll().isEmpty(), "a kept job is not handed out again");
        assertTrue(pq.queue("apples").poll().isEmpty(), "nor by a handle that deletes");
        assertEquals(0, q.size());
        assertEquals(List.of(), pq.queues(), "kept rows are not pending");
        assertEquals(1, rowCount());
    }

    @Test
    void keptGet_isTheDefaultStatementWithAnUpdateInPlaceOfTheDelete_andTheDefaultIsUntouched() {
        dev.pq.internal.Sql sql = new dev.pq.internal.Sql(schema, "queue");
        for (int k = dev.pq.internal.Sql.DEFAULT_CANDIDATES; k <= 8192; k *= 2) {
            String plain = sql.dequeue(k);
            assertEquals(plain, sql.dequeue(k, false));
            assertTrue(plain.contains("DELETE FROM " + sql.qualified + " WHERE id = (SELECT id FROM pick)"), plain);
            assertFalse(plain.contains("dequeued_at"), "the default get reads and writes no new column: " + plain);
            assertEquals(plain.replace("/* pq:dequeue */", "/* pq:dequeueKeep */").replace("DELETE FROM " + sql.qualified,
                            "UPDATE " + sql.qualified + " SET dequeued_at = statement_timestamp(), "
                                    + "finished_at = statement_timestamp()"),
                    sql.dequeue(k, true), "the same lock, candidates and re-check; only the removal differs");
        }
    }

    @Test
    void keptGet_ofAScheduledJobNowDue_keepsItToo() {
        Queue<Object> q = pq.queue("apples").keepHistory(true);
        long id = q.put("later", Duration.ofMillis(200));
        assertTrue(q.poll().isEmpty(), "not due yet");
        Job<Object> job = q.get(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("never due"));
        assertEquals(id, job.id());
        assertNotNull(job.scheduleAt());
        assertNotNull(kept(id).get("dequeued_at"));
        assertTrue(q.poll().isEmpty());
    }

    @Test
    void defaultGet_stillDeletesTheRow_andHandlesDifferOnlyInTheOption() {
        Queue<Object> q = pq.queue("apples");
        assertFalse(q.keepsHistory());
        assertSame(q, q.keepHistory(false));
        Queue<Object> keeping = q.keepHistory(true);
        assertTrue(keeping.keepsHistory());
        assertFalse(q.keepsHistory(), "the original handle is unchanged");
        assertEquals(q.name(), keeping.name());
        q.put("a");
        q.put("b");
        assertEquals("a", q.poll().orElseThrow().data());
        assertEquals(1, rowCount(), "the default get deleted its row");
        assertEquals("b", keeping.poll().orElseThrow().data());
        assertEquals(1, rowCount(), "the kept get kept its row");
        assertEquals(1, keptRows());
    }

    @Test
    void builderOption_isTheDefaultOfEveryQueue_andAQueueCanOptOut() {
        try (PQ keeping = builder().keepHistory(true).poolSize(3).build()) {
            Queue<Object> apples = keeping.queue("apples");
            Queue<Integer> pears = keeping.queue("pears", Integer.class);
            assertTrue(apples.keepsHistory());
            assertTrue(pears.keepsHistory());
            apples.put("Cox");
            pears.put(7);
            assertEquals("Cox", apples.poll().orElseThrow().data());
            assertEquals(7, pears.poll().orElseThrow().data());
            assertEquals(2, keptRows());
            Queue<Object> deleting = keeping.queue("plums").keepHistory(false);
            deleting.put("Victoria");
            assertEquals("Victoria", deleting.poll().orElseThrow().data());
            assertEquals(0, rowCount("plums"));
        }
    }

    @Test
    void manyThreadsKeptGet_deliverEveryJobExactlyOnce_andKeepEveryRow() throws Exception {
        int threads = 8;
        int prefilled = 2000;
        int producedLater = 1000;
        Queue<Object> q = pq.queue("test").keepHistory(true);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < prefilled; i++) {
            items.add(i);
        }
        Set<Long> put = concurrentSet();
        for (long id : q.putAll(items)) {
            put.add(id);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        AtomicBoolean produced = new AtomicBoolean();
        ConcurrentLinkedQueue<Job<Object>> consumed = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> consumers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                consumers.add(pool.submit(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                    while (System.nanoTime() < deadline) {
                        boolean last = produced.get();
                        Optional<Job<Object>> job = q.get(Duration.ofMillis(300));
                        if (job.isPresent()) {
                            consumed.add(job.get());
                        } else if (last) {
                            return null;
                        }
                    }
                    throw new AssertionError("consumers did not finish within 180 s");
                }));
            }
            Future<?> producer = pool.submit(() -> {
                for (int i = 0; i < producedLater; i++) {
                    put.add(q.put(prefilled + i));
                }
                produced.set(true);
                return null;
            });
            producer.get(180, TimeUnit.SECONDS);
            for (Future<?> f : consumers) {
                f.get(240, TimeUnit.SECONDS);
            }
        } finally {
            produced.set(true);
            pool.shutdownNow();
        }
        Set<Long> seen = new HashSet<>();
        for (Job<Object> job : consumed) {
            assertTrue(seen.add(job.id()), "job " + job.id() + " delivered twice");
        }
        assertEquals(prefilled + producedLater, put.size());
        assertEquals(put, seen, "every job delivered");
        assertEquals(put.size(), rowCount(), "every row kept");
        assertEquals(put.size(), keptRows(), "every row marked dequeued and finished");
        assertTrue(q.poll().isEmpty());
    }

    @Test
    void transactionalKeptGets_withSomeRollbacks_commitEveryJobExactlyOnce() throws Exception {
        int threads = 6;
        int jobs = 600;
        Queue<Object> q = pq.queue("test").keepHistory(true);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            items.add(i);
        }
        Set<Long> put = new HashSet<>();
        for (long id : q.putAll(items)) {
            put.add(id);
        }
        assertEquals(jobs, rowCount()); // opens the SQL helpers' connection before the threads share it
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<Job<Object>> committed = new ConcurrentLinkedQueue<>();
        AtomicInteger rolledBack = new AtomicInteger();
        try {
            List<Future<?>> consumers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                consumers.add(pool.submit(() -> {
                    int n = 0;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                    while (System.nanoTime() < deadline) {
                        try (Transaction<Object> tx = q.transaction()) {
                            Optional<Job<Object>> job = tx.get(Duration.ofMillis(300));
                            if (job.isEmpty()) {
                                if (q.size() == 0 && queryLong("SELECT count(*) FROM " + table()
                                        + " WHERE dequeued_at IS NULL") == 0) {
                                    return null;
                                }
                                continue;
                            }
                            Job<Object> updated = tx.update(job.get(), List.of("done", job.get().data()));
                            if (++n % 5 == 0) {
                                rolledBack.incrementAndGet();
                                continue; // no commit: the job goes back with its old data
                            }
                            tx.commit();
                            committed.add(updated);
                        }
                    }
                    throw new AssertionError("consumers did not finish within 180 s");
                }));
            }
            for (Future<?> f : consumers) {
                f.get(240, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(rolledBack.get() > 0, "some transactions rolled back");
        Set<Long> seen = new HashSet<>();
        for (Job<Object> job : committed) {
            assertTrue(seen.add(job.id()), "job " + job.id() + " committed twice");
            assertEquals("done", ((List<?>) job.data()).get(0));
        }
        assertEquals(put, seen);
        assertEquals(jobs, keptRows());
        assertEquals(jobs, queryLong("SELECT count(*) FROM " + table() + " WHERE data->>0 = 'done'"),
                "every kept row shows the data of the committed update, none of a rolled back one twice");
    }

    @Test
    void update_commitsWithTheTransaction_andTheKeptRowShowsTheNewData() throws Exception {
        TestDatabase.execute("CREATE TABLE " + schema + ".eaten (job_id bigint PRIMARY KEY)");
        Queue<Object> q = pq.queue("apples").keepHistory(true);
        long id = q.put(Map.of("kind", "Cox"));
        try (Transaction<Object> tx = q.transaction()) {
            Job<Object> job = tx.get().orElseThrow();
            Job<Object> updated = tx.update(job, Map.of("kind", "Cox", "eaten", true));
            assertEquals(id, updated.id());
            assertEquals(Map.of("kind", "Cox", "eaten", true), updated.data());
            assertTrue(updated.size() > job.size(), "the size of the new data");
            assertEquals(queryLong("SELECT octet_length(?::jsonb::text)", "{\"kind\": \"Cox\", \"eaten\": true}"),
                    (long) updated.size(), "the stored size, as a get reads it");
            assertEquals(job.enqueuedAt(), updated.enqueuedAt());
            assertEquals(List.of(updated), tx.jobs(), "jobs() lists the job as updated");
            try (PreparedStatement ps = tx.connection().prepareStatement(
                    "INSERT INTO " + schema + ".eaten VALUES (?)")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            Map<String, Object> outside = kept(id);
            assertEquals("{\"kind\": \"Cox\"}", outside.get("data"), "others see the old data until commit");
            assertNull(outside.get("dequeued_at"), "and the job not yet dequeued");
            tx.commit();
        }
        Map<String, Object> row = kept(id);
        assertEquals("{\"kind\": \"Cox\", \"eaten\": true}", row.get("data"));
        assertNotNull(row.get("dequeued_at"));
        assertNotNull(row.get("finished_at"));
        assertEquals(1, queryLong("SELECT count(*) FROM " + schema + ".eaten"));
        assertTrue(q.poll().isEmpty());
    }

    @Test
    void update_rollsBackWithTheTransaction_andTheJobComesBackWithItsOldData() {
        Queue<Object> q = pq.queue("apples").keepHistory(true);
        long id = q.put(Map.of("kind", "Cox"));
        try (Transaction<Object> tx = q.transaction()) {
            Job<Object> job = tx.get().orElseThrow();
            tx.update(job, Map.of("kind", "Bramley"));
            tx.update(tx.jobs().get(0), Map.of("kind", "Granny Smith")); // a second update replaces the first
            tx.rollback();
        }
        Map<String, Object> row = kept(id);
        assertEquals("{\"kind\": \"Cox\"}", row.get("data"));
        assertNull(row.get("dequeued_at"));
        assertNull(row.get("finished_at"));
        Job<Object> again = q.poll().orElseThrow(() -> new AssertionError("the job did not come back"));
        assertEquals(id, again.id());
        assertEquals(Map.of("kind", "Cox"), again.data());
    }

    @Test
    void update_onAQueueThatDeletes_isRefusedWithTheOptionToUse_andTheTransactionGoesOn() {
        Queue<Object> q = pq.queue("apples");
        long id = q.put(Map.of("kind", "Cox"));
        try (Transaction<Object> tx = q.transaction()) {
            Job<Object> job = tx.get().orElseThrow();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> tx.update(job, Map.of("kind", "Bramley")));
            assertTrue(e.getMessage().contains("keepHistory(true)"), e.getMessage());
            assertTrue(e.getMessage().contains("apples"), e.getMessage());
            tx.commit();
        }
        assertNull(kept(id), "the get deleted the row as usual");
    }

    @Test
    void update_ofAJobNotTakenInThisTransaction_isRefused() {
        Queue<Object> q = pq.queue("apples").keepHistory(true);
        q.put("a");
        q.put("b");
        Job<Object> elsewhere = q.poll().orElseThrow();
        try (Transaction<Object> tx = q.transaction()) {
            tx.get().orElseThrow();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tx.update(elsewhere, "x"));
            assertTrue(e.getMessage().contains("not taken in this transaction"), e.getMessage());
            tx.rollback();
            assertThrows(IllegalStateException.class, () -> tx.update(elsewhere, "x"), "an ended transaction");
        }
        assertEquals("\"a\"", kept(elsewhere.id()).get("data"), "the kept row is unchanged");
    }

    @Test
    void keptGet_ofAPayloadThatCannotBeDecoded_leavesTheJobPending() {
        long id = pq.queue("numbers").put("not a number");
        Queue<Integer> numbers = pq.queue("numbers", Integer.class).keepHistory(true);
        SerializationException e = assertThrows(SerializationException.class, numbers::poll);
        assertEquals(id, e.jobId());
        Map<String, Object> row = kept(id);
        assertNull(row.get("dequeued_at"), "not marked dequeued");
        assertNull(row.get("finished_at"));
        assertEquals("not a number", pq.queue("numbers").poll().orElseThrow().data());
        long inTx = pq.queue("numbers").put("still not");
        try (Transaction<Integer> tx = numbers.transaction()) {
            assertThrows(SerializationException.class, tx::poll);
            tx.commit();
        }
        assertNull(kept(inTx).get("dequeued_at"), "the undecodable job of a transaction stays pending");
        assertEquals("still not", pq.queue("numbers").poll().orElseThrow().data());
    }

    @Test
    void jobsPutBeforeVersion6_areTakenByKeptAndDefaultGetsAfterTheMigration() {
        pq.migrate(5);
        // put as a library of version 5 did (puts of this one need version 7's notify function)
        long first = queryLong("INSERT INTO " + table() + " (queue, data) VALUES ('apples', '{\"kind\": \"Cox\"}') RETURNING id");
        long second = queryLong("INSERT INTO " + table() + " (queue, data) VALUES ('apples', '{\"kind\": \"Bramley\"}') RETURNING id");
        TestDatabase.execute("INSERT INTO " + table() + " (queue, data, finished_at) VALUES ('apples', '1', now())");
        Queue<Object> kept = pq.queue("apples").keepHistory(true);
        SchemaMissingException e = assertThrows(SchemaMissingException.class, kept::poll,
                "a kept get needs version 6");
        assertTrue(e.getMessage().contains("migrate()"), e.getMessage());
        assertEquals(first, pq.queue("apples").poll().orElseThrow().id(), "a default get works at version 5");
        assertThrows(SchemaMissingException.class, () -> pq.queue("apples").put(Map.of("kind", "Cox")),
                "a put needs version 7");
        pq.migrate();
        pq.queue("apples").put(Map.of("kind", "Cox"));
        Job<Object> job = kept.poll().orElseThrow();
        assertEquals(second, job.id());
        assertEquals(Map.of("kind", "Bramley"), job.data());
        assertNotNull(kept(second).get("dequeued_at"));
        assertEquals(Map.of("kind", "Cox"), pq.queue("apples").poll().orElseThrow().data());
        assertEquals(2, rowCount(), "the kept row and the finished row of version 5");
        assertEquals(1, keptRows());
    }

    private static Set<Long> concurrentSet() {
        return java.util.concurrent.ConcurrentHashMap.newKeySet();
    }
}
