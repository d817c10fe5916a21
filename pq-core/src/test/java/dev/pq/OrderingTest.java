package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dequeue order: a job is ready once its scheduleAt has passed; among ready jobs an earlier
 * expectedAt goes first, jobs without one after those with one, ties FIFO by id. Scheduled jobs
 * come out when due: not early, and not a second late.
 */
class OrderingTest extends PgTest {
    /** How late a due job may come out. The bound: not a second late. */
    private static final Duration LATE = Duration.ofSeconds(1);

    private List<Object> drain(Queue<Object> q) {
        List<Object> out = new ArrayList<>();
        for (Optional<Job<Object>> j = q.poll(); j.isPresent(); j = q.poll()) {
            out.add(j.get().data());
        }
        return out;
    }

    @Test
    void readyJobs_comeOutByExpectedAt_nullsLast_tiesFifo() {
        Queue<Object> q = pq.queue("apples");
        Instant base = Instant.now().plus(Duration.ofHours(1));
        q.put("n1");
        q.put("e3", null, base.plus(Duration.ofHours(2)));
        q.put("e1", null, base);
        q.put("n2");
        q.put("e1-tie", null, base);
        q.put("e2", null, base.plus(Duration.ofHours(1)));
        q.put("past", null, Instant.now().minus(Duration.ofDays(1)));
        q.put("n3");
        assertEquals(List.of("past", "e1", "e1-tie", "e2", "e3", "n1", "n2", "n3"), drain(q));
    }

    @Test
    void withoutExpectedAt_jobsComeOutFifo_scheduledOrNot() {
        Queue<Object> q = pq.queue("apples");
        Instant past = Instant.now().minusSeconds(60);
        q.put("a");
        q.put("b-scheduled-in-the-past", past);
        q.put("c");
        q.put("d-scheduled-earlier-still", past.minusSeconds(600));
        q.put("e");
        assertEquals(List.of("a", "b-scheduled-in-the-past", "c", "d-scheduled-earlier-still", "e"), drain(q),
                "scheduleAt decides readiness only, not order");
    }

    @Test
    void expectedAt_ordersReadyJobs_evenAgainstAnEarlierScheduleAt() {
        // Here pq (Python) would return "scheduled-first" first: it orders by schedule_at.
        Queue<Object> q = pq.queue("apples");
        Instant now = Instant.now();
        q.put("scheduled-first", now.minusSeconds(60), now.plus(Duration.ofHours(2)));
        q.put("expected-first", now.minusSeconds(10), now.plus(Duration.ofHours(1)));
        q.put("unscheduled-expected-last", null, now.plus(Duration.ofHours(3)));
        q.put("unscheduled-expected-soonest", null, now.plus(Duration.ofMinutes(1)));
        assertEquals(List.of("unscheduled-expected-soonest", "expected-first", "scheduled-first",
                "unscheduled-expected-last"), drain(q));
    }

    @Test
    void expectedAt_pqPort_jobsComeOutInExpectedOrder_thenTheIteratorStops() {
        // pq's test_put_expected_at, inserted in reverse so FIFO alone would fail it
        Queue<Object> q = pq.queue("test");
        q.put(5, null, Instant.now().plusSeconds(5));
        q.put(4, null, Duration.ofSeconds(4));
        q.put(3, null, "3s");
        q.put(2, null, "2s");
        q.put(1, null, "1s");
        assertEquals(5, q.size());
        int i = 0;
        for (Job<Object> job : q.untilIdle(Duration.ofMillis(300))) {
            i++;
            assertEquals(i, job.data());
            assertNotNull(job.expectedAt());
        }
        assertEquals(5, i, "five jobs, then the iteration ends on idle");
    }

    @Test
    void expectedAt_pqPort_inInsertionOrder() {
        Queue<Object> q = pq.queue("test");
        q.put(1, null, "1s");
        q.put(2, null, "2s");
        q.put(3, null, "3s");
        q.put(4, null, Duration.ofSeconds(4));
        q.put(5, null, Instant.now().plusSeconds(5));
        List<Object> seen = new ArrayList<>();
        for (Job<Object> job : q.untilIdle(Duration.ofMillis(300))) {
            seen.add(job.data());
            assertNotNull(job.expectedAt());
        }
        assertEquals(List.of(1, 2, 3, 4, 5), seen);
    }

    @Test
    void scheduledJob_isNotReturnedBeforeItIsDue() throws Exception {
        Queue<Object> q = pq.queue("apples");
        q.put("later", Duration.ofSeconds(2));
        assertTrue(q.poll().isEmpty());
        assertTrue(q.get(Duration.ofMillis(500)).isEmpty(), "not due within 0.5 s");
        assertEquals(List.of(new QueueInfo("apples", 0, 1)), pq.queues());
        q.put("far", "1h");
        assertTrue(q.get(Duration.ofMillis(300)).isEmpty());
        assertEquals(0, q.size(), "size counts ready jobs only");
        assertEquals(List.of(new QueueInfo("apples", 0, 2)), pq.queues());
    }

    @Test
    void scheduledJobs_pqPort_comeOutWhenDue_notEarly_notASecondLate() {
        // pq's test_put_schedule_at with shorter times, on a PQ that would poll only every 30 s:
        // each wake-up has to come from the next due time.
        try (PQ slow = builder().poolSize(4).pollInterval(Duration.ofSeconds(30)).build()) {
            Queue<Object> q = slow.queue("test_schedule_at_blocking");
            q.put(Map.of("bar", "foo"));
            q.put(Map.of("baz", "fob"), "3s");
            q.put(Map.of("foo", "bar"), Duration.ofSeconds(1));
            q.put(Map.of("boo", "baz"), Instant.now().plusSeconds(2));

            assertEquals(Map.of("bar", "foo"), q.poll().orElseThrow().data(), "the first is ready at once");
            assertDueOnTime(q, Map.of("foo", "bar"));
            assertDueOnTime(q, Map.of("boo", "baz"));
            assertDueOnTime(q, Map.of("baz", "fob"));

            long t0 = System.nanoTime();
            assertTrue(q.get(Duration.ofSeconds(1)).isEmpty());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.SECONDS.toNanos(1), "the timeout starts afresh");
        }
    }

    private static void assertDueOnTime(Queue<Object> q, Object expected) {
        Job<Object> job = q.get(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("nothing within 10 s"));
        Instant returned = Instant.now();
        assertEquals(expected, job.data());
        assertNotNull(job.scheduleAt());
        Duration late = Duration.between(job.scheduleAt(), returned);
        assertTrue(!late.isNegative(), "returned " + late.negated() + " before it was due");
        assertTrue(late.compareTo(LATE) < 0, "returned " + late + " after it was due");
    }

    @Test
    void waitingGetter_wakesWhenTheEarliestScheduledJobFallsDue() throws Exception {
        try (PQ slow = builder().poolSize(4).pollInterval(Duration.ofSeconds(30)).build()) {
            Queue<Object> q = slow.queue("apples");
            q.put("in ten seconds", Duration.ofSeconds(10));
            CompletableFuture<Job<Object>> getter = new CompletableFuture<>();
            Thread getting = new Thread(() -> {
                try {
                    getter.complete(q.get(Duration.ofSeconds(20)).orElse(null));
                } catch (Throwable t) {
                    getter.completeExceptionally(t);
                }
            });
            getting.start();
            await("the getter is waiting for the 10 s job", () -> GetTest.blocked(getting));
            q.put("in one second", Duration.ofMillis(1500)); // its notification makes the getter look again
            Job<Object> job = getter.get(30, TimeUnit.SECONDS);
            Instant returned = Instant.now();
            assertNotNull(job, "timed out");
            assertEquals("in one second", job.data());
            Duration late = Duration.between(job.scheduleAt(), returned);
            assertTrue(!late.isNegative(), "early by " + late.negated());
            assertTrue(late.compareTo(LATE) < 0, "late by " + late);
            assertEquals(List.of(new QueueInfo(q.name(), 0, 1)), pq.queues(), "the ten-second job is still waiting");
        }
    }
}
