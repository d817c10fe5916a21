package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code for (Job<T> job : queue)}: blocks for the next job; ends on idle (untilIdle), close or interrupt. */
class IterationTest extends PgTest {

    @Test
    void forEach_getsJobsInOrder_andRemovesThem() {
        Queue<Object> q = pq.queue("apples");
        long[] ids = q.putAll(List.of("Cox", "Arthur Turner", "Golden Delicious"));
        List<Long> seen = new ArrayList<>();
        for (Job<Object> job : q) {
            seen.add(job.id());
            if (seen.size() == 3) {
                break;
            }
        }
        assertEquals(List.of(ids[0], ids[1], ids[2]), seen);
        assertEquals(0, rowCount());
    }

    @Test
    void iterator_blocksForTheNextJob_pqPort() throws Exception {
        // pq's test_iter: one job ready, five more put by another thread 200 ms apart
        Queue<Object> q = pq.queue("test");
        Map<String, String> data = Map.of("foo", "bar");
        q.put(data);
        CompletableFuture<Void> putter = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 5; i++) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                q.put(data);
            }
        });
        int i = 0;
        for (Job<Object> job : q) {
            assertEquals(data, job.data());
            if (++i == 6) {
                break;
            }
        }
        putter.get(30, TimeUnit.SECONDS);
        assertEquals(6, i);
    }

    @Test
    void iterator_outlivesTheDefaultTimeout() throws Exception {
        // unlike pq, which yields None after its timeout, the plain iterator simply keeps waiting
        try (PQ p = builder().poolSize(3).defaultTimeout(Duration.ofMillis(200)).build()) {
            Queue<Object> q = p.queue("test");
            CompletableFuture<Long> putter = CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return q.put("late");
            });
            Iterator<Job<Object>> it = q.iterator();
            assertTrue(it.hasNext());
            assertEquals(putter.get(10, TimeUnit.SECONDS), it.next().id());
        }
    }

    @Test
    void untilIdle_endsOnceTheQueueStaysIdle() {
        Queue<Object> q = pq.queue("apples");
        q.putAll(List.of(1, 2, 3));
        List<Object> seen = new ArrayList<>();
        long t0 = System.nanoTime();
        for (Job<Object> job : q.untilIdle(Duration.ofMillis(400))) {
            seen.add(job.data());
        }
        assertEquals(List.of(1, 2, 3), seen);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(400), "waited the idle time");
        assertEquals(0, rowCount());
    }

    @Test
    void untilIdle_onAnEmptyQueue_endsAtOnceAfterTheIdleTime_andNextThrows() {
        Iterator<Job<Object>> it = pq.queue("apples").untilIdle(Duration.ofMillis(200)).iterator();
        assertFalse(it.hasNext());
        assertFalse(it.hasNext(), "stays ended");
        NoSuchElementException e = assertThrows(NoSuchElementException.class, it::next);
        assertTrue(e.getMessage().contains("apples"), e.getMessage());
    }

    @Test
    void untilIdle_keepsGoingWhileJobsArriveWithinTheIdleTime() throws Exception {
        Queue<Object> q = pq.queue("apples");
        CompletableFuture<Void> putter = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 4; i++) {
                q.put(i);
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        List<Object> seen = new ArrayList<>();
        for (Job<Object> job : q.untilIdle(Duration.ofSeconds(1))) {
            seen.add(job.data());
        }
        putter.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(0, 1, 2, 3), seen);
    }

    @Test
    void untilIdle_rejectsANegativeIdleTime() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pq.queue("apples").untilIdle(Duration.ofSeconds(-1)));
        assertEquals("idle must be >= 0: PT-1S", e.getMessage());
    }

    @Test
    void iteration_endsWhenThePQIsClosed() throws Exception {
        Queue<Object> q = pq.queue("apples");
        q.put("one");
        AtomicInteger count = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread eater = new Thread(() -> {
            try {
                for (Job<Object> job : q) {
                    count.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        eater.start();
        await("it took the job and waits for the next", () -> count.get() == 1 && GetTest.blocked(eater));
        pq.close();
        eater.join(15_000);
        assertFalse(eater.isAlive(), "the iteration did not end");
        assertNull(failure.get(), "the iteration ends normally, it does not throw");
        assertEquals(1, count.get());
    }

    @Test
    void iteration_ofAClosedPQ_isEmpty() {
        Queue<Object> q = pq.queue("apples");
        q.put("one");
        pq.close();
        assertFalse(q.iterator().hasNext());
        assertFalse(q.untilIdle(Duration.ofSeconds(1)).iterator().hasNext());
    }

    @Test
    void iteration_endsWhenTheThreadIsInterrupted() throws Exception {
        Queue<Object> q = pq.queue("apples");
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread eater = new Thread(() -> {
            for (Job<Object> ignored : q) {
                // nothing arrives
            }
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        eater.start();
        Thread.sleep(500);
        eater.interrupt();
        eater.join(10_000);
        assertFalse(eater.isAlive());
        assertEquals(Boolean.TRUE, interrupted.get(), "ended with the interrupt flag still set");
    }
}
