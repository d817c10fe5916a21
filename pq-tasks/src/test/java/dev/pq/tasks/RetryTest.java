package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failures: error count, message and backtrace; fixed and Que backoff computed from the injected
 * clock; failed after max retries and kept; the Admin's failed-job operations.
 */
@Timeout(60)
class RetryTest extends TasksTestBase {
    public interface Flaky {
        @Task(maxRetries = 2, retryIn = "10s")
        void fixed(int n);

        @Task(maxRetries = 3, backoff = Backoff.QUE)
        void que(int n);

        @Task
        void once(int n);

        @Task(queue = "other")
        void elsewhere(int n);

        @Task(maxRetries = 5)
        void shout(int n);

        @Task
        void binary(int n);
    }

    static final class FlakyImpl implements Flaky {
        final AtomicBoolean failing = new AtomicBoolean(true);
        final AtomicInteger runs = new AtomicInteger();

        private void maybeFail(int n) {
            int run = runs.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException("flaky " + n + " (run " + run + ")");
            }
        }

        @Override
        public void fixed(int n) {
            maybeFail(n);
        }

        @Override
        public void que(int n) {
            maybeFail(n);
        }

        @Override
        public void once(int n) {
            maybeFail(n);
        }

        @Override
        public void elsewhere(int n) {
            maybeFail(n);
        }

        @Override
        public void binary(int n) {
            runs.incrementAndGet();
            throw new IllegalStateException("bad\u0000byte");
        }

        @Override
        public void shout(int n) {
            runs.incrementAndGet();
            throw new IllegalStateException("x".repeat(10_000));
        }
    }

    private final TestClock clock = new TestClock(Instant.parse("2031-01-01T00:00:00Z"));
    private Tasks tasks;
    private FlakyImpl impl;
    private Flaky flaky;

    @BeforeEach
    void setUp() {
        tasks = Tasks.builder(pq).clock(clock).build();
        impl = new FlakyImpl();
        tasks.register(Flaky.class, impl);
        flaky = tasks.client(Flaky.class);
    }

    private void worker() {
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
    }

    private int errors(long id) {
        return ((Number) row(id).get("error_count")).intValue();
    }

    private void awaitErrors(long id, int n) {
        await("error_count " + n + " for job " + id, () -> errors(id) == n);
    }

    @Test
    void fixedBackoff_schedulesAtClockPlusRetryIn_recordsTheError_andFailsAfterMaxRetries() throws Exception {
        flaky.fixed(7);
        long id = tasks.lastId();
        worker();

        awaitErrors(id, 1);
        Map<String, Object> row = row(id);
        assertEquals(clock.instant().plusSeconds(10), row.get("schedule_at"));
        assertEquals("java.lang.IllegalStateException: flaky 7 (run 1)", row.get("last_error_message"));
        String trace = (String) row.get("last_error_backtrace");
        assertTrue(trace.startsWith("java.lang.IllegalStateException: flaky 7"), trace);
        assertTrue(trace.contains("FlakyImpl.maybeFail"), trace);
        assertNull(row.get("failed_at"));

        clock.advance(Duration.ofMinutes(5));
        makeDue(id);
        awaitErrors(id, 2);
        assertEquals(clock.instant().plusSeconds(10), row(id).get("schedule_at"), "from the moved clock");
        assertNull(row(id).get("failed_at"), "2 failures <= maxRetries 2");
        assertEquals("java.lang.IllegalStateException: flaky 7 (run 2)", row(id).get("last_error_message"));

        makeDue(id);
        awaitErrors(id, 3);
        row = row(id);
        assertNotNull(row.get("failed_at"), "3 failures > maxRetries 2: failed");
        Thread.sleep(300);
        assertEquals(3, impl.runs.get(), "a failed job does not run again");
        assertNotNull(row(id), "a failed job is kept");

        List<FailedJob> failed = tasks.admin().failed(null, 10, 0);
        assertEquals(1, failed.size());
        FailedJob f = failed.get(0);
        assertEquals(id, f.id());
        assertEquals("Flaky.fixed", f.task());
        assertEquals("default", f.queue());
        assertEquals(3, f.errorCount());
        assertEquals("[7]", f.args());
        assertEquals("java.lang.IllegalStateException: flaky 7 (run 3)", f.lastErrorMessage());
        assertTrue(f.lastErrorBacktrace().contains("FlakyImpl"));
        assertNotNull(f.failedAt());
        assertNotNull(f.enqueuedAt());
    }

    @Test
    void queBackoff_isErrorCountToTheFourthPlusThreeSeconds_fromTheClock() {
        flaky.que(1);
        long id = tasks.lastId();
        worker();
        long[] expected = {4, 19, 84};
        for (int i = 1; i <= 3; i++) {
            awaitErrors(id, i);
            assertEquals(clock.instant().plusSeconds(expected[i - 1]), row(id).get("schedule_at"), "after failure " + i);
            assertNull(row(id).get("failed_at"));
            clock.advance(Duration.ofSeconds(1000));
            makeDue(id);
        }
        awaitErrors(id, 4);
        assertNotNull(row(id).get("failed_at"));
        assertEquals(4, impl.runs.get());
    }

    @Test
    void methodTasks_areFailedAtTheFirstError_byDefault() {
        flaky.once(1);
        long id = tasks.lastId();
        worker();
        awaitErrors(id, 1);
        assertNotNull(row(id).get("failed_at"));
    }

    @Test
    void lastErrorMessage_isTruncated() {
        flaky.shout(1);
        long id = tasks.lastId();
        worker();
        awaitErrors(id, 1);
        String message = (String) row(id).get("last_error_message");
        assertTrue(message.length() <= 4_000, "length " + message.length());
        assertTrue(message.startsWith("java.lang.IllegalStateException: xxx"));
        assertTrue(message.endsWith("(truncated)"), message.substring(message.length() - 40));
    }

    @Test
    void anErrorMessageWithANulCharacter_isStillRecorded_andTheJobFailed() throws Exception {
        flaky.binary(1);
        long id = tasks.lastId();
        worker();
        await("the failure recorded", () -> errors(id) == 1);
        assertNotNull(row(id).get("failed_at"));
        String message = (String) row(id).get("last_error_message");
        assertTrue(message.startsWith("java.lang.IllegalStateException: bad") && message.endsWith("byte"), message);
        Thread.sleep(200);
        assertEquals(1, impl.runs.get(), "run once, not again and again");
    }

    /** Fails {@code n} once-tasks in queue default and one in queue other; returns their ids in failure order. */
    private long[] failSome(int n) {
        long[] ids = new long[n + 1];
        for (int i = 0; i < n; i++) {
            flaky.once(i);
            ids[i] = tasks.lastId();
        }
        flaky.elsewhere(n);
        ids[n] = tasks.lastId();
        worker();
        await("all failed", () -> tasks.admin().failed(null, 100, 0).size() == n + 1);
        return ids;
    }

    @Test
    void admin_failed_listsOldestFailureFirst_byQueue_withLimitAndOffset() {
        long[] ids = failSome(4);
        assertEquals(List.of(ids[0], ids[1], ids[2], ids[3], ids[4]),
                tasks.admin().failed(null, 10, 0).stream().map(FailedJob::id).toList());
        assertEquals(List.of(ids[1], ids[2]), tasks.admin().failed("default", 2, 1).stream().map(FailedJob::id).toList());
        assertEquals(List.of(ids[4]), tasks.admin().failed("other", 10, 0).stream().map(FailedJob::id).toList());
        assertEquals(List.of(), tasks.admin().failed("default", 10, 4));
        assertThrows(IllegalArgumentException.class, () -> tasks.admin().failed(null, -1, 0));
    }

    @Test
    void admin_retryFailed_makesOneJobReadyAgain_withItsErrorCountReset() {
        long[] ids = failSome(2);
        impl.failing.set(false); // before the put: the running worker may take the job at once
        flaky.fixed(99); // pending, never failed
        long pendingId = tasks.lastId();
        await("the pending job ran", () -> row(pendingId) == null);

        assertTrue(tasks.admin().retryFailed(ids[0]));
        await("the retried job ran and was destroyed", () -> row(ids[0]) == null);
        assertNotNull(row(ids[1]).get("failed_at"), "the others stay failed");
        assertFalse(tasks.admin().retryFailed(ids[0]), "gone now");
        assertFalse(tasks.admin().retryFailed(123_456L));

        // retried, it fails again: its error count restarted from 0
        impl.failing.set(true);
        assertTrue(tasks.admin().retryFailed(ids[1]));
        await("failed again", () -> row(ids[1]).get("failed_at") != null && errors(ids[1]) == 1);
    }

    @Test
    void admin_retryAllFailed_ofAQueue_orOfAll() {
        long[] ids = failSome(3);
        impl.failing.set(false);
        assertEquals(1, tasks.admin().retryAllFailed("other"));
        await("other's job ran", () -> row(ids[3]) == null);
        assertEquals(3, tasks.admin().failed(null, 10, 0).size());
        assertEquals(3, tasks.admin().retryAllFailed(null));
        await("all ran", () -> count("SELECT count(*) FROM " + table()) == 0);
        assertEquals(0, tasks.admin().retryAllFailed(null));
    }

    @Test
    void admin_deleteFailed_andDeleteAllFailed_removeOnlyFailedJobs() {
        long[] ids = failSome(3);
        flaky.fixed(1);
        long pendingId = tasks.lastId();
        exec("UPDATE " + table() + " SET schedule_at = now() + interval '1 hour' WHERE id = ?", pendingId);

        assertTrue(tasks.admin().deleteFailed(ids[0]));
        assertNull(row(ids[0]));
        assertFalse(tasks.admin().deleteFailed(ids[0]));
        assertFalse(tasks.admin().deleteFailed(pendingId), "a pending job is not deleted as failed");
        assertNotNull(row(pendingId));

        assertEquals(1, tasks.admin().deleteAllFailed("other"));
        assertNull(row(ids[3]));
        assertEquals(2, tasks.admin().deleteAllFailed(null));
        assertEquals(List.of(), tasks.admin().failed(null, 10, 0));
        assertNotNull(row(pendingId), "pending jobs survive deleteAllFailed");
    }
}
