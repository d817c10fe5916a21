package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Advisory-lock dequeue: each job goes to exactly one getter, whatever the concurrency or failure. */
class ExactlyOnceTest extends PgTest {

    /** Puts {@code perProducer} jobs from each of {@code producers} threads; returns id -> payload. */
    private Map<Long, List<Object>> produce(ExecutorService pool, Queue<Object> q, int producers, int perProducer,
                                            AtomicBoolean done) {
        List<Future<Map<Long, List<Object>>>> futures = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            futures.add(pool.submit(() -> {
                Map<Long, List<Object>> ids = new HashMap<>();
                for (int i = 0; i < perProducer; i++) {
                    List<Object> payload = List.of(producer, i);
                    ids.put(q.put(payload), payload);
                }
                return ids;
            }));
        }
        Map<Long, List<Object>> all = new HashMap<>();
        try {
            for (Future<Map<Long, List<Object>>> f : futures) {
                Map<Long, List<Object>> ids = f.get(180, TimeUnit.SECONDS);
                for (Map.Entry<Long, List<Object>> e : ids.entrySet()) {
                    assertTrue(all.put(e.getKey(), e.getValue()) == null, "id " + e.getKey() + " returned twice by put");
                }
            }
        } catch (Exception e) {
            throw new AssertionError("a producer failed", e);
        } finally {
            done.set(true);
        }
        return all;
    }

    @Test
    void eightProducersAndEightConsumers_deliverEveryJobExactlyOnce() throws Exception {
        int producers = 8;
        int perProducer = 1000;
        Queue<Object> q = pq.queue("test");
        ExecutorService pool = Executors.newFixedThreadPool(producers + 8);
        AtomicBoolean produced = new AtomicBoolean();
        ConcurrentLinkedQueue<Job<Object>> consumed = new ConcurrentLinkedQueue<>();
        try {
            List<Future<Integer>> consumers = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                consumers.add(pool.submit(() -> {
                    int n = 0;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                    while (System.nanoTime() < deadline) {
                        boolean last = produced.get(); // read before the get: an empty get after it means done
                        Optional<Job<Object>> job = q.get(Duration.ofMillis(500));
                        if (job.isPresent()) {
                            consumed.add(job.get());
                            n++;
                        } else if (last) {
                            break;
                        }
                    }
                    return n;
                }));
            }
            Map<Long, List<Object>> put = produce(pool, q, producers, perProducer, produced);
            for (Future<Integer> f : consumers) {
                f.get(240, TimeUnit.SECONDS);
            }
            assertEquals(producers * perProducer, put.size());
            assertDeliveredOnce(put, consumed);
            assertEquals(0, rowCount());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertDeliveredOnce(Map<Long, List<Object>> put, Iterable<Job<Object>> consumed) {
        Set<Long> seen = new HashSet<>();
        List<Long> duplicates = new ArrayList<>();
        for (Job<Object> job : consumed) {
            if (!seen.add(job.id())) {
                duplicates.add(job.id());
            }
            assertEquals(put.get(job.id()), job.data(), "payload of job " + job.id());
        }
        assertEquals(List.of(), duplicates, "jobs delivered more than once");
        Set<Long> missing = new HashSet<>(put.keySet());
        missing.removeAll(seen);
        assertEquals(Set.of(), missing, "jobs never delivered");
        assertEquals(put.keySet(), seen);
    }

    @Test
    void transactionalConsumers_withSomeRollbacks_deliverEveryJobExactlyOnce() throws Exception {
        TestDatabase.execute("CREATE TABLE " + schema + ".eaten (job_id bigint PRIMARY KEY, consumer int NOT NULL)");
        int producers = 8;
        int perProducer = 250;
        Queue<Object> q = pq.queue("test");
        ExecutorService pool = Executors.newFixedThreadPool(producers + 8);
        AtomicBoolean produced = new AtomicBoolean();
        ConcurrentLinkedQueue<Job<Object>> committed = new ConcurrentLinkedQueue<>();
        AtomicInteger rolledBack = new AtomicInteger();
        String insert = "INSERT INTO " + schema + ".eaten (job_id, consumer) VALUES (?, ?)";
        try {
            List<Future<Integer>> consumers = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int consumer = c;
                consumers.add(pool.submit(() -> {
                    int n = 0;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                    while (System.nanoTime() < deadline) {
                        boolean last = produced.get();
                        try (Transaction<Object> tx = q.transaction()) {
                            Optional<Job<Object>> job = tx.get(Duration.ofMillis(500));
                            if (job.isEmpty()) {
                                if (last) {
                                    break;
                                }
                                continue;
                            }
                            try (PreparedStatement ps = tx.connection().prepareStatement(insert)) {
                                ps.setLong(1, job.get().id());
                                ps.setInt(2, consumer);
                                ps.executeUpdate();
                            }
                            if (++n % 7 == 0) {
                                rolledBack.incrementAndGet();
                                continue; // close without commit: the job and the row go back
                            }
                            tx.commit();
                            committed.add(job.get());
                        }
                    }
                    return n;
                }));
            }
            Map<Long, List<Object>> put = produce(pool, q, producers, perProducer, produced);
            for (Future<Integer> f : consumers) {
                f.get(240, TimeUnit.SECONDS);
            }
            assertTrue(rolledBack.get() > 0, "some transactions rolled back");
            assertDeliveredOnce(put, committed);
            assertEquals(put.size(), queryLong("SELECT count(*) FROM " + schema + ".eaten"));
            assertEquals(0, queryLong("SELECT count(*) FROM " + schema + ".eaten e LEFT JOIN "
                    + "unnest(?::bigint[]) AS p(id) ON p.id = e.job_id WHERE p.id IS NULL",
                    (Object) put.keySet().toArray(new Long[0])), "every eaten row is a put job");
            assertEquals(0, rowCount());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void transactionalConsumers_whoseBackendsKeepGettingKilled_stillEatEveryJobExactlyOnce() throws Exception {
        TestDatabase.execute("CREATE TABLE " + schema + ".eaten (job_id bigint PRIMARY KEY)");
        String insert = "INSERT INTO " + schema + ".eaten (job_id) VALUES (?)";
        long lockClass = new dev.pq.internal.Sql(schema, "queue").lockClass & 0xFFFFFFFFL;
        Queue<Object> q = pq.queue("test");
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            items.add(i);
        }
        Set<Long> put = new HashSet<>();
        for (long id : q.putAll(items)) {
            put.add(id);
        }
        ExecutorService pool = Executors.newFixedThreadPool(7);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger kills = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ConcurrentLinkedQueue<Job<Object>> committed = new ConcurrentLinkedQueue<>();
        try {
            Future<?> killer = pool.submit(() -> {
                try (Connection admin = TestDatabase.connect();
                     PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_locks "
                             + "WHERE locktype = 'advisory' AND objsubid = 2 AND classid = ?::bigint::oid LIMIT 1")) {
                    ps.setLong(1, lockClass);
                    while (!stop.get()) {
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                kills.incrementAndGet();
                            }
                        }
                        Thread.sleep(25);
                    }
                }
                return null;
            });
            List<Future<?>> consumers = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                consumers.add(pool.submit(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                    while (System.nanoTime() < deadline) {
                        try (Transaction<Object> tx = q.transaction()) {
                            Optional<Job<Object>> job = tx.get(Duration.ofMillis(300));
                            if (job.isEmpty()) {
                                if (queryLong("SELECT count(*) FROM " + table()) == 0) {
                                    return null;
                                }
                                continue;
                            }
                            try (PreparedStatement ps = tx.connection().prepareStatement(insert)) {
                                ps.setLong(1, job.get().id());
                                ps.executeUpdate();
                            }
                            tx.commit();
                            committed.add(job.get());
                        } catch (PQException | java.sql.SQLException e) {
                            failures.incrementAndGet(); // killed: the job must come back
                        }
                    }
                    throw new AssertionError("consumers did not finish within 90 s");
                }));
            }
            for (Future<?> f : consumers) {
                f.get(150, TimeUnit.SECONDS);
            }
            stop.set(true);
            killer.get(30, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertTrue(kills.get() > 0, "the killer killed nobody");
        assertTrue(failures.get() > 0, "no consumer noticed a kill");
        Set<Long> eaten = new HashSet<>();
        for (Job<Object> job : committed) {
            assertTrue(eaten.add(job.id()), "job " + job.id() + " committed twice");
        }
        assertEquals(put.size(), queryLong("SELECT count(*) FROM " + schema + ".eaten"),
                "every job eaten exactly once (kills=" + kills + ", failures=" + failures + ")");
        assertEquals(0, queryLong("SELECT count(*) FROM " + schema + ".eaten WHERE NOT (job_id = ANY(?::bigint[]))",
                (Object) put.toArray(new Long[0])));
        assertEquals(0, rowCount());
    }

    @Test
    void getterBackendKilledMidTransaction_itsJobGoesToAnotherGetter() throws Exception {
        Queue<Object> q = pq.queue("test");
        long id = q.put(Map.of("kind", "Cox"));
        Transaction<Object> victim = q.transaction();
        try {
            Job<Object> held = victim.get(Duration.ofSeconds(5)).orElseThrow();
            assertEquals(id, held.id());
            long pid;
            try (Statement st = victim.connection().createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getLong(1);
            }
            assertTrue(q.poll().isEmpty(), "held by the victim's transaction");

            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Optional<Job<Object>>> other = pool.submit(() -> q.get(Duration.ofSeconds(30)));
                Thread.sleep(500);
                assertFalse(other.isDone(), "the other getter waits while the job is held");
                assertEquals(Boolean.TRUE, queryOne("SELECT pg_terminate_backend(?::int)", (int) pid));
                Job<Object> job = other.get(60, TimeUnit.SECONDS)
                        .orElseThrow(() -> new AssertionError("the job did not come back"));
                assertEquals(id, job.id());
                assertEquals(Map.of("kind", "Cox"), job.data());
            } finally {
                pool.shutdownNow();
            }
            assertThrows(PQException.class, victim::commit, "the victim's work cannot commit");
        } finally {
            victim.close();
        }
        assertEquals(0, rowCount());
        // the pool recovers: the dead connection was discarded
        q.put("after");
        assertEquals("after", q.poll().orElseThrow().data());
    }

    @Test
    void manyTransactions_holdDifferentJobsAtTheSameTime_pqIssue33() throws Exception {
        int n = 5;
        Queue<Object> q = pq.queue("test");
        for (int i = 0; i < n + 1; i++) {
            q.put(i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CyclicBarrier allHolding = new CyclicBarrier(n + 1);
        CyclicBarrier commit = new CyclicBarrier(n + 1);
        try {
            List<Future<Long>> holders = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                holders.add(pool.submit(() -> {
                    try (Transaction<Object> tx = q.transaction()) {
                        Job<Object> job = tx.get(Duration.ofSeconds(10)).orElseThrow();
                        allHolding.await(60, TimeUnit.SECONDS);
                        commit.await(60, TimeUnit.SECONDS);
                        tx.commit();
                        return job.id();
                    }
                }));
            }
            allHolding.await(60, TimeUnit.SECONDS);
            // five transactions are open, each holding a job: the sixth job is still free
            long lockClass = new dev.pq.internal.Sql(schema, "queue").lockClass & 0xFFFFFFFFL;
            assertEquals(n, queryLong("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    + "AND objsubid = 2 AND classid = ?::bigint::oid", lockClass), "one lock per held job");
            Job<Object> sixth = q.poll().orElseThrow(() -> new AssertionError("the free job was not found"));
            assertTrue(q.poll().isEmpty(), "the held jobs are not handed out twice");
            commit.await(60, TimeUnit.SECONDS);
            Set<Long> ids = new HashSet<>();
            for (Future<Long> f : holders) {
                ids.add(f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(n, ids.size(), "every transaction held a different job");
            assertFalse(ids.contains(sixth.id()));
            assertEquals(0, rowCount());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void openTransactionsInOneThread_eachTakeTheNextJob() {
        Queue<Object> q = pq.queue("test");
        long[] ids = q.putAll(List.of("a", "b", "c", "d", "e"));
        List<Transaction<Object>> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Transaction<Object> tx = q.transaction();
                open.add(tx);
                assertEquals(ids[i], tx.poll().orElseThrow().id(), "transaction " + i + " skips the held jobs");
            }
            assertTrue(q.poll().isEmpty());
            assertEquals(5, rowCount(), "held, not yet removed");
            open.get(2).rollback();
            assertEquals(ids[2], q.poll().orElseThrow().id(), "a rolled back job is free at once");
            for (Transaction<Object> tx : open) {
                if (tx != open.get(2)) {
                    tx.commit();
                }
            }
        } finally {
            open.forEach(Transaction::close);
        }
        assertEquals(0, rowCount());
    }

    @Test
    void dequeue_locksWithPqsOwnTwoKeyAdvisoryLock_notTheApplicationsBigintKeys() throws Exception {
        Queue<Object> q = pq.queue("test");
        long id = q.put("x");
        try (Connection app = TestDatabase.connect()) {
            try (PreparedStatement ps = app.prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, id); // the application's own lock on the same number
                ps.executeQuery().close();
            }
            try (Transaction<Object> tx = q.transaction()) {
                Job<Object> job = tx.poll().orElseThrow(() -> new AssertionError("blocked by an unrelated lock"));
                assertEquals(id, job.id());
                long txPid;
                try (Statement st = tx.connection().createStatement();
                     ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    txPid = rs.getLong(1);
                }
                Map<String, Object> lock = queryRow("SELECT objsubid, count(*) OVER () AS n FROM pg_locks "
                        + "WHERE locktype = 'advisory' AND pid = ?", (int) txPid);
                assertNotNull(lock, "the job is held by an advisory lock");
                assertEquals(2, ((Number) lock.get("objsubid")).intValue(), "the two-int key form");
                assertEquals(1L, ((Number) lock.get("n")).longValue(), "exactly the job handed out is locked");
                assertEquals(0, queryLong("SELECT count(*) FROM pg_locks WHERE locktype = 'tuple' AND pid = ?",
                        (int) txPid), "no row locks are left waiting");
                tx.commit();
            }
        }
        assertEquals(0, rowCount());
    }

    @Test
    void concurrentGetters_onManyQueues_neverCrossQueues() throws Exception {
        int queues = 4;
        int perQueue = 200;
        for (int i = 0; i < queues; i++) {
            List<Object> items = new ArrayList<>();
            for (int j = 0; j < perQueue; j++) {
                items.add("q" + i + "-" + j);
            }
            pq.queue("q" + i).putAll(items);
        }
        ExecutorService pool = Executors.newFixedThreadPool(queues * 2);
        Map<Long, String> seen = new ConcurrentHashMap<>();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < queues * 2; t++) {
                String name = "q" + (t % queues);
                fs.add(pool.submit(() -> {
                    for (Job<Object> job : pq.queue(name).untilIdle(Duration.ofMillis(300))) {
                        assertTrue(((String) job.data()).startsWith(name + "-"), job.data() + " from " + name);
                        assertEquals(name, job.queue());
                        assertTrue(seen.put(job.id(), name) == null, "job " + job.id() + " twice");
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(queues * perQueue, seen.size());
        assertNotEquals(0, seen.size());
        assertEquals(0, rowCount());
    }
}
