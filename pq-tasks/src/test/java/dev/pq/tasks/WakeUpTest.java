package dev.pq.tasks;

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
}
