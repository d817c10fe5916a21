package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** get, get(timeout) and poll: timeouts, wake-ups by LISTEN/NOTIFY, one listener connection. */
class GetTest extends PgTest {

    /** A PQ whose getters would poll only every 30 s: a prompt wake-up must come from NOTIFY. */
    private PQ notifyOnly(String app) {
        return builder().url(TestDatabase.url("ApplicationName=" + app)).poolSize(4)
                .pollInterval(Duration.ofSeconds(30)).defaultTimeout(Duration.ofSeconds(30)).build();
    }

    private static long ms(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    @Test
    void get_returnsTheJob_whenOneIsReady() {
        // pq's test_put_and_get / test_get_not_empty
        Queue<Object> q = pq.queue("test");
        q.put(Map.of("foo", "bar"));
        Job<Object> job = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> q.get(Duration.ofSeconds(30)))
                .orElseThrow();
        assertEquals(Map.of("foo", "bar"), job.data());
        assertEquals(0, rowCount(), "get removes the job's row");
    }

    @Test
    void get_returnsNothingAfterTimeout_whenQueueEmpty() {
        // pq's test_get_empty_blocking_timeout
        Queue<Object> q = pq.queue("test_blocking_timeout");
        long t0 = System.nanoTime();
        Optional<Job<Object>> job = q.get(Duration.ofMillis(700));
        assertTrue(job.isEmpty());
        assertTrue(ms(t0) >= 700, "waited the whole timeout: " + ms(t0) + " ms");
    }

    @Test
    void get_withoutTimeout_waitsTheDefaultTimeout() {
        try (PQ p = builder().poolSize(2).defaultTimeout(Duration.ofMillis(600)).build()) {
            long t0 = System.nanoTime();
            assertTrue(p.queue("test").get().isEmpty());
            assertTrue(ms(t0) >= 600, "waited the default timeout: " + ms(t0) + " ms");
        }
        long t0 = System.nanoTime();
        assertTrue(pq.queue("test").get().isEmpty());
        assertTrue(ms(t0) >= 1000, "the base PQ's default is 1 s: " + ms(t0) + " ms");
    }

    @Test
    void get_withZeroTimeout_isAPoll() {
        Queue<Object> q = pq.queue("test");
        assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> q.get(Duration.ZERO)).isEmpty());
        q.put("x");
        assertEquals("x", q.get(Duration.ZERO).orElseThrow().data());
    }

    @Test
    void poll_neverWaits_evenForAJobPutAMomentLater() throws Exception {
        // pq's test_get_empty_non_blocking_thread_puts, on a PQ whose get() would wait 30 s
        try (PQ p = notifyOnly("pq_poll_" + System.nanoTime())) {
            Queue<Object> q = p.queue("test");
            CompletableFuture<Long> putter = CompletableFuture.supplyAsync(() -> {
                sleep(300);
                return q.put(Map.of("foo", "bar"));
            });
            Optional<Job<Object>> none = assertTimeoutPreemptively(Duration.ofSeconds(10), q::poll);
            assertTrue(none.isEmpty());
            long id = putter.get(30, TimeUnit.SECONDS);
            Job<Object> job = assertTimeoutPreemptively(Duration.ofSeconds(10), q::poll).orElseThrow();
            assertEquals(id, job.id());
        }
    }

    @Test
    void get_isWokenByAPutFromAnotherThread_wellUnderTheTimeout() throws Exception {
        // pq's test_get_empty_thread_puts; polling alone would take 30 s here
        try (PQ p = notifyOnly("pq_wake_" + System.nanoTime())) {
            Queue<Object> q = p.queue("test");
            CompletableFuture<Job<Object>> getter = CompletableFuture.supplyAsync(
                    () -> q.get(Duration.ofSeconds(10)).orElse(null));
            Thread.sleep(500);
            assertFalse(getter.isDone());
            long t0 = System.nanoTime();
            long id = pq.queue("test").put(Map.of("foo", "bar"));
            Job<Object> job = getter.get(30, TimeUnit.SECONDS);
            long ms = ms(t0);
            assertNotNull(job, "the getter timed out: the notification did not wake it");
            assertEquals(id, job.id());
            assertTrue(ms < 2_000, "woken " + ms + " ms after the put, timeout was 10 s");
        }
    }

    @Test
    void get_thatTimedOut_doesNotTakeAJobPutAfterwards() throws Exception {
        // pq's test_get_empty_thread_puts_after_timeout
        Queue<Object> q = pq.queue("test");
        CompletableFuture<Long> putter = CompletableFuture.supplyAsync(() -> {
            sleep(1200);
            return q.put(Map.of("foo", "bar"));
        });
        assertTrue(q.get(Duration.ofMillis(300)).isEmpty());
        long id = putter.get(30, TimeUnit.SECONDS);
        assertEquals(id, q.get(Duration.ofSeconds(5)).orElseThrow().id());
    }

    @Test
    void manyWaiters_putAllWakesEnoughOfThem_withoutPolling() throws Exception {
        int n = 10;
        try (PQ p = notifyOnly("pq_chain_" + System.nanoTime())) {
            Queue<Object> q = p.queue("test");
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<Optional<Job<Object>>>> getters = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    getters.add(pool.submit(() -> q.get(Duration.ofSeconds(20))));
                }
                Thread.sleep(1000);
                long t0 = System.nanoTime();
                long[] ids = pq.queue("test").putAll(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)); // one notification
                Set<Long> got = new HashSet<>();
                for (Future<Optional<Job<Object>>> f : getters) {
                    got.add(f.get(60, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("a getter timed out"))
                            .id());
                }
                assertEquals(n, got.size());
                assertEquals(Arrays.stream(ids).boxed().collect(java.util.stream.Collectors.toSet()), got);
                assertTrue(ms(t0) < 15_000, "all woken well before the 20 s timeout: " + ms(t0) + " ms");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void twoHundredWaiters_shareOneListenConnection_andASmallPool() throws Exception {
        int waiters = 200;
        int poolSize = 5;
        String app = "pq_200_" + System.nanoTime();
        try (PQ p = builder().url(TestDatabase.url("ApplicationName=" + app)).poolSize(poolSize).build()) {
            Queue<Object> q = p.queue("crowd");
            List<Thread> threads = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(waiters, r -> {
                Thread t = new Thread(r);
                threads.add(t);
                return t;
            });
            try {
                CountDownLatch started = new CountDownLatch(waiters);
                List<Future<Optional<Job<Object>>>> getters = new ArrayList<>();
                for (int i = 0; i < waiters; i++) {
                    getters.add(pool.submit(() -> {
                        started.countDown();
                        return q.get(Duration.ofSeconds(60));
                    }));
                }
                assertTrue(started.await(30, TimeUnit.SECONDS));
                await("every getter blocked in its wait", Duration.ofSeconds(60), () -> threads.size() == waiters
                        && List.copyOf(threads).stream().allMatch(GetTest::blocked));
                long done = getters.stream().filter(Future::isDone).count();
                assertEquals(0, done, "nobody returns from an empty queue");

                long listeners = queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? "
                        + "AND query LIKE 'LISTEN %'", app);
                long backends = queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", app);
                assertEquals(1, listeners, "one LISTEN connection serves every waiter");
                // the pool PQ owns, plus the LISTEN connection it opens outside that pool
                assertTrue(backends <= poolSize + 1, backends + " backends for " + waiters + " waiters");

                List<Object> items = new ArrayList<>();
                for (int i = 0; i < waiters; i++) {
                    items.add(i);
                }
                long[] ids = pq.queue("crowd").putAll(items);
                Set<Long> got = new HashSet<>();
                for (Future<Optional<Job<Object>>> f : getters) {
                    Job<Object> job = f.get(90, TimeUnit.SECONDS)
                            .orElseThrow(() -> new AssertionError("a waiter timed out"));
                    assertTrue(got.add(job.id()), "job " + job.id() + " delivered twice");
                }
                assertEquals(Arrays.stream(ids).boxed().collect(java.util.stream.Collectors.toSet()), got);
                assertEquals(0, rowCount());
                assertEquals(1, queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? "
                        + "AND query LIKE 'LISTEN %'", app), "still one listener");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void listenerConnectionKilled_reconnects_andWaitersAreStillWoken() throws Exception {
        String app = "pq_relisten_" + System.nanoTime();
        try (PQ p = notifyOnly(app)) {
            Queue<Object> q = p.queue("test");
            AtomicReference<Optional<Job<Object>>> first = new AtomicReference<>();
            Thread getter = new Thread(() -> first.set(q.get(Duration.ofSeconds(20))));
            getter.start();
            long pid = awaitListener(app, -1);
            assertTrue(queryOne("SELECT pg_terminate_backend(?::int)", pid) instanceof Boolean);
            long newPid = awaitListener(app, pid);
            assertNotEquals(pid, newPid);

            long t0 = System.nanoTime();
            long id = pq.queue("test").put("after the reconnect");
            getter.join(30_000);
            assertFalse(getter.isAlive());
            assertEquals(id, first.get().orElseThrow(() -> new AssertionError("getter timed out")).id());
            assertTrue(ms(t0) < 10_000, "woken by NOTIFY on the new listener connection: " + ms(t0) + " ms");
        }
    }

    /** Waits for a LISTEN backend of {@code app} other than {@code notPid}; returns its pid. */
    private long awaitListener(String app, long notPid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Object pid = queryOne("SELECT pid FROM pg_stat_activity WHERE application_name = ? "
                    + "AND query LIKE 'LISTEN %' AND pid <> ?", app, (int) notPid);
            if (pid != null) {
                return ((Number) pid).longValue();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no LISTEN connection of " + app + " (other than " + notPid + ")");
    }

    @Test
    void interruptedGetter_returnsNothing_andKeepsItsInterruptFlag() throws Exception {
        Queue<Object> q = pq.queue("test");
        AtomicReference<Optional<Job<Object>>> result = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread getter = new Thread(() -> {
            result.set(q.get(Duration.ofSeconds(30)));
            flag.set(Thread.currentThread().isInterrupted());
        });
        getter.start();
        Thread.sleep(500);
        getter.interrupt();
        getter.join(10_000);
        assertFalse(getter.isAlive(), "an interrupt ends the wait");
        assertTrue(result.get().isEmpty());
        assertTrue(flag.get(), "the interrupt is not swallowed");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** True while {@code t} waits (a signal read from the thread, not a sleep). */
    static boolean blocked(Thread t) {
        Thread.State st = t.getState();
        return st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING;
    }
}
