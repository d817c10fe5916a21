package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A job already locked into a worker's buffer is read again when its thread takes it (Que's
 * check_job): deleted, finished or rescheduled meanwhile, it does not run.
 */
@Timeout(60)
class PickupCheckTest extends TasksTestBase {
    public interface Line {
        @Task
        void step(int n) throws Exception;
    }

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);
    private final Set<Integer> ran = ConcurrentHashMap.newKeySet();
    private final List<Long> ids = new ArrayList<>();
    private Tasks tasks;

    @BeforeEach
    void setUp() {
        tasks = Tasks.create(pq);
        tasks.register(Line.class, n -> {
            if (n == 0) {
                started.countDown();
                assertTrue(open.await(30, TimeUnit.SECONDS));
            }
            ran.add(n);
        });
    }

    @AfterEach
    void openGate() {
        open.countDown();
    }

    /** Job 0 runs and blocks the only thread; jobs 1..n-1 wait locked in the buffer. */
    private void bufferBehindABlockedJob(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            tasks.client(Line.class).step(i);
            ids.add(tasks.lastId());
        }
        start(Worker.builder(tasks).workerCount(1).maximumBufferSize(8).pollInterval(Duration.ofMillis(50)));
        assertTrue(started.await(20, TimeUnit.SECONDS));
        await("job 0 runs, the others are buffered", () -> jobLocks() == n);
    }

    @Test
    void bufferedJobsDeletedFinishedOrRescheduledMeanwhile_doNotRun() throws Exception {
        bufferBehindABlockedJob(6);
        assertTrue(pq.queue("default").delete(ids.get(1)), "deleted through pq-core");
        exec("DELETE FROM " + table() + " WHERE id = ?", ids.get(2));
        exec("UPDATE " + table() + " SET finished_at = now() WHERE id = ?", ids.get(3));
        exec("UPDATE " + table() + " SET schedule_at = now() + interval '1 hour' WHERE id = ?", ids.get(4));
        open.countDown();
        await("the untouched buffered job ran", () -> ran.contains(5));
        await("every lock released", () -> jobLocks() == 0);
        assertEquals(Set.of(0, 5), ran, "the deleted, finished and rescheduled jobs did not run");
        assertNotNull(row(ids.get(3)).get("finished_at"), "the finished job is kept as it was");
        assertEquals(1, pending(), "the rescheduled job waits for its time");
    }

    @Test
    void bufferedJobs_ofAClearedQueue_doNotRun() throws Exception {
        bufferBehindABlockedJob(4);
        // the running job's row goes too: its completion will find it gone
        assertEquals(4, pq.queue("default").clear());
        open.countDown();
        await("job 0 returned", () -> ran.contains(0));
        await("every lock released", () -> jobLocks() == 0);
        assertEquals(Set.of(0), ran);
        assertEquals(0, count("SELECT count(*) FROM " + table()));
    }
}
