package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Handlers that throw anything, never return, or run too long never take the worker down. */
@Timeout(90)
class RunawayJobTest extends TasksTestBase {
    public interface Jobs {
        @Task
        void ok(int n);

        @Task
        void fail(String kind) throws Exception;

        @Task(timeout = "300ms")
        void spin();

        @Task
        void sleep() throws InterruptedException;

        @Task(timeout = "200ms")
        void sleepBriefly() throws InterruptedException;

        @Task(timeout = "300ms", maxRetries = 1, retryIn = "0s")
        void spinTwice(JobContext job);
    }

    static final class Impl implements Jobs {
        final Set<Integer> ok = ConcurrentHashMap.newKeySet();
        final AtomicInteger interrupts = new AtomicInteger();
        final CountDownLatch spinning = new CountDownLatch(1);
        volatile boolean release;
        volatile Thread spinner;
        volatile Thread okThread;

        @Override
        public void ok(int n) {
            okThread = Thread.currentThread();
            ok.add(n);
        }

        @Override
        public void fail(String kind) throws Exception {
            switch (kind) {
                case "runtime" -> throw new IllegalStateException("runtime failure");
                case "checked" -> throw new java.io.IOException("checked failure");
                case "error" -> throw new AssertionError("error failure");
                case "stack" -> recurse(0);
                default -> throw new IllegalArgumentException(kind);
            }
        }

        private static int recurse(int n) {
            return recurse(n + 1) + 1;
        }

        @Override
        public void spin() {
            spinner = Thread.currentThread();
            spinning.countDown();
            while (!release) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    interrupts.incrementAndGet(); // ignored, like a runaway loop
                }
            }
        }

        final CountDownLatch secondRun = new CountDownLatch(1);
        volatile boolean releaseFirst;
        volatile Thread firstThread;

        @Override
        public void spinTwice(JobContext job) {
            if (job.errorCount() == 0) {
                firstThread = Thread.currentThread();
            } else {
                secondRun.countDown();
            }
            while (!release && !(job.errorCount() == 0 && releaseFirst)) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    interrupts.incrementAndGet();
                }
            }
        }

        @Override
        public void sleep() throws InterruptedException {
            Thread.sleep(60_000);
        }

        @Override
        public void sleepBriefly() throws InterruptedException {
            Thread.sleep(60_000);
        }
    }

    private final Impl impl = new Impl();

    @AfterEach
    void releaseSpinner() {
        impl.release = true;
    }

    private Tasks tasks() {
        Tasks tasks = Tasks.create(pq);
        tasks.register(Jobs.class, impl);
        return tasks;
    }

    @Test
    void throwingHandlers_ofAnyKind_doNotKillTheWorkerThread() throws Exception {
        Tasks tasks = tasks();
        Jobs jobs = tasks.client(Jobs.class);
        String[] kinds = {"runtime", "checked", "error", "stack"};
        long[] ids = new long[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            jobs.fail(kinds[i]);
            ids[i] = tasks.lastId();
            jobs.ok(i);
        }
        Worker w = start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
        await("every good job ran on the single thread", () -> impl.ok.size() == kinds.length);
        await("every bad job failed", () -> tasks.admin().failed(null, 10, 0).size() == kinds.length);
        assertMessage(ids[0], "java.lang.IllegalStateException: runtime failure");
        assertMessage(ids[1], "java.io.IOException: checked failure");
        assertMessage(ids[2], "java.lang.AssertionError: error failure");
        assertMessage(ids[3], "java.lang.StackOverflowError");
        assertTrue(((String) row(ids[3]).get("last_error_backtrace")).length() <= 32_000, "the stack trace is truncated");
        assertEquals(kinds.length, w.failed());
        assertEquals(2 * kinds.length, w.processed());
    }

    private void assertMessage(long id, String prefix) {
        String m = (String) row(id).get("last_error_message");
        assertTrue(m.startsWith(prefix), m);
    }

    @Test
    void neverReturningHandler_isAbandonedAfterItsTimeout_andANewThreadRunsTheOtherJobs() throws Exception {
        Tasks tasks = tasks();
        Jobs jobs = tasks.client(Jobs.class);
        jobs.spin();
        long spinId = tasks.lastId();
        for (int i = 0; i < 3; i++) {
            jobs.ok(i);
        }
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
        assertTrue(impl.spinning.await(20, TimeUnit.SECONDS));
        await("the spinning job was interrupted at its 300 ms timeout", Duration.ofSeconds(5), () -> impl.interrupts.get() > 0);
        await("a replacement thread ran the other jobs", Duration.ofSeconds(20), () -> impl.ok.size() == 3);
        assertTrue(impl.okThread != impl.spinner, "the other jobs ran on another thread");
        Map<String, Object> row = row(spinId);
        assertNotNull(row.get("failed_at"), "the runaway job is failed");
        assertTrue(((String) row.get("last_error_message")).contains("TimeoutException"), (String) row.get("last_error_message"));

        // when the abandoned handler finally returns, it must not complete the job it lost
        Thread spinner = impl.spinner;
        impl.release = true;
        spinner.join(5_000);
        assertTrue(!spinner.isAlive(), "the abandoned thread ends once its handler returns");
        Thread.sleep(200);
        assertNotNull(row(spinId), "the abandoned job stays failed, not destroyed");
        assertNotNull(row(spinId).get("failed_at"));
        assertEquals(0, jobLocks(), "no lock is left behind");

        // and the worker still works
        jobs.ok(10);
        await("a later job ran", () -> impl.ok.contains(10));
    }

    @Test
    void anAbandonedHandlerReturningLate_doesNotHideTheJobsNextRun() throws Exception {
        Tasks tasks = tasks();
        tasks.client(Jobs.class).spinTwice(null);
        long id = tasks.lastId();
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50))
                .heartbeatInterval(Duration.ofMillis(100)));
        // the first run ignores its interrupt, is abandoned after the grace period, and is retried at once
        assertTrue(impl.secondRun.await(30, TimeUnit.SECONDS), "the job ran a second time");
        Thread first = impl.firstThread;
        impl.releaseFirst = true; // the abandoned first run returns now
        first.join(5_000);
        assertTrue(!first.isAlive());
        Thread.sleep(500); // several heartbeats
        assertEquals(List.of(id), tasks.admin().jobStates().stream().map(JobState::id).toList(),
                "the second run is still reported as running");
        await("the second run is abandoned at its own timeout too", Duration.ofSeconds(20),
                () -> row(id).get("failed_at") != null);
    }

    @Test
    void taskTimeout_interruptsASleepingHandler() {
        Tasks tasks = tasks();
        enqueueSleep(tasks.client(Jobs.class), true);
        long id = tasks.lastId();
        long t0 = System.nanoTime();
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)).jobTimeout(Duration.ofMinutes(5)));
        await("failed by its 200 ms timeout", Duration.ofSeconds(10), () -> row(id).get("failed_at") != null);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8));
        assertTrue(((String) row(id).get("last_error_message")).startsWith("java.lang.InterruptedException"),
                (String) row(id).get("last_error_message"));
    }

    @Test
    void workerJobTimeout_interruptsASleepingHandler() {
        Tasks tasks = tasks();
        enqueueSleep(tasks.client(Jobs.class), false);
        long id = tasks.lastId();
        tasks.client(Jobs.class).ok(1);
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)).jobTimeout(Duration.ofMillis(300)));
        await("failed by the worker's 300 ms job timeout", Duration.ofSeconds(10), () -> row(id).get("failed_at") != null);
        assertTrue(((String) row(id).get("last_error_message")).startsWith("java.lang.InterruptedException"));
        await("the next job ran", () -> impl.ok.contains(1));
    }

    private static void enqueueSleep(Jobs client, boolean briefly) {
        try {
            if (briefly) {
                client.sleepBriefly();
            } else {
                client.sleep();
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
