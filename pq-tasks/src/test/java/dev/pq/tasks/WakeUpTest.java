package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An idle worker whose poll interval is long wakes for new jobs by LISTEN/NOTIFY, and for
 * scheduled jobs when they are due. Bounds are generous: these are not throughput checks.
 */
@Timeout(60)
class WakeUpTest extends TasksTestBase {
    private static final Duration LONG_POLL = Duration.ofSeconds(30);

    public interface Bell {
        @Task(queue = "bells")
        void ring(String label);
    }

    public interface Flaky {
        @Task(queue = "bells", maxRetries = 1, retryIn = "1s")
        void ring(String label);
    }

    /** Asks to run again in 1 s, once. */
    public static final class Again implements JobHandler<String> {
        final BlockingQueue<String> runs = new ArrayBlockingQueue<>(10);
        final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void run(String label, JobContext job) {
            if (count.incrementAndGet() == 1) {
                job.retryIn(Duration.ofSeconds(1));
            }
            runs.add(label + " " + job.errorCount());
        }
    }

    private final BlockingQueue<String> rung = new ArrayBlockingQueue<>(10);
    private Tasks tasks;

    @BeforeEach
    void setUp() {
        tasks = Tasks.create(pq);
        tasks.register(Bell.class, rung::add);
    }

    /** Starts an idle worker: it has run one job, so its first poll is long over. */
    private void idleWorker(String... queues) throws InterruptedException {
        start(Worker.builder(tasks).queues(queues).workerCount(2).pollInterval(LONG_POLL));
        tasks.client(Bell.class).ring("warm-up");
        assertTrue("warm-up".equals(rung.poll(20, TimeUnit.SECONDS)));
        Thread.sleep(300);
    }

    private long secondsToRing(String label) throws InterruptedException {
        long t0 = System.nanoTime();
        String got = rung.poll(20, TimeUnit.SECONDS);
        assertTrue(label.equals(got), "expected " + label + ", got " + got);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Test
    void aRunningWorker_isRegisteredAsAWaiterOfItsQueues_andItsRowsGoWhenItStops() throws Exception {
        Worker w = start(Worker.builder(tasks).queues("bells", "other").workerCount(1).pollInterval(LONG_POLL));
        assertEquals(2, count("SELECT count(*) FROM " + schema + ".queue_waiters WHERE queue IN ('bells', 'other')"));
        tasks.client(Bell.class).ring("registered");
        assertTrue(secondsToRing("registered") < 3_000, "the notification woke the worker");
        w.close();
        await("the worker's registrations go", Duration.ofSeconds(20),
                () -> count("SELECT count(*) FROM " + schema + ".queue_waiters") == 0);
    }

    @Test
    void aWorkerOfAGlob_waitsOnEveryQueue() throws Exception {
        idleWorker("*");
        assertEquals(1, count("SELECT count(*) FROM " + schema + ".queue_waiters WHERE queue = '*'"));
        tasks.client(Bell.class).ring("any queue");
        assertTrue(secondsToRing("any queue") < 3_000, "a put to any queue notifies a glob worker");
    }

    @Test
    void anIdleWorker_startsANewJobWithinAFewSeconds_despiteALongPollInterval() throws Exception {
        idleWorker("bells");
        tasks.client(Bell.class).ring("now");
        long ms = secondsToRing("now");
        assertTrue(ms < 3_000, "took " + ms + " ms: the notification did not wake the worker");
    }

    @Test
    void aJobEnqueuedInATransaction_wakesTheWorkerWhenItCommits() throws Exception {
        idleWorker("*");
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            tasks.client(Bell.class, Enqueue.options().in(c).queue("bells_tx")).ring("committed");
            Thread.sleep(300);
            assertTrue(rung.isEmpty(), "not before commit");
            c.commit();
        }
        long ms = secondsToRing("committed");
        assertTrue(ms < 3_000, "took " + ms + " ms");
    }

    @Test
    void aScheduledJob_runsWhenDue_notBefore_despiteALongPollInterval() throws Exception {
        idleWorker("bells");
        long t0 = System.nanoTime();
        tasks.client(Bell.class, Enqueue.options().scheduleAt(Duration.ofMillis(1_500))).ring("later");
        String got = rung.poll(20, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue("later".equals(got), "got " + got);
        assertTrue(ms >= 1_400, "ran after " + ms + " ms, before it was due");
        assertTrue(ms < 6_000, "ran after " + ms + " ms: the worker did not wake when it was due");
        assertFalse(rung.contains("later"));
    }

    @Test
    void aFailedJob_isRetriedWhenItsRetryIsDue_despiteALongPollInterval() throws Exception {
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        tasks.register(Flaky.class, label -> {
            if (tries.incrementAndGet() == 1) {
                throw new IllegalStateException("first try fails");
            }
            rung.add(label);
        });
        idleWorker("bells");
        long t0 = System.nanoTime();
        tasks.client(Flaky.class).ring("retried");
        String got = rung.poll(20, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue("retried".equals(got), "got " + got);
        assertTrue(ms >= 900 && ms < 6_000, "retried after " + ms + " ms (retryIn 1s, poll interval 30 s)");
    }

    @Test
    void aJobAskingToRunAgain_runsWhenDue_despiteALongPollInterval() throws Exception {
        Again again = new Again();
        tasks.register(again);
        idleWorker("*");
        long t0 = System.nanoTime();
        tasks.enqueue(Again.class, "again");
        assertTrue("again 0".equals(again.runs.poll(20, TimeUnit.SECONDS)));
        String second = again.runs.poll(20, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue("again 0".equals(second), "ran again without counting an error: " + second);
        assertTrue(ms >= 900 && ms < 6_000, "ran again after " + ms + " ms (retryIn 1s, poll interval 30 s)");
    }

    @Test
    void aJobInsertedWithoutANotification_isFoundByThePoll() throws Exception {
        start(Worker.builder(tasks).queues("bells").workerCount(1).pollInterval(Duration.ofMillis(500)));
        tasks.client(Bell.class).ring("warm-up");
        assertTrue("warm-up".equals(rung.poll(20, TimeUnit.SECONDS)));
        exec("INSERT INTO " + table() + " (queue, task, data) VALUES ('bells', 'Bell.ring', '[\"polled\"]')");
        long ms = secondsToRing("polled");
        assertTrue(ms < 5_000, "found after " + ms + " ms with a 500 ms poll interval");
    }
}
