package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Admin.cancel: a waiting job never runs; a running one is interrupted, commits nothing, and its worker goes on. */
@Timeout(60)
class CancelTest extends TasksTestBase {
    public interface Jobs {
        @Task(queue = "work")
        void quick(int n);

        /** Writes a receipt in its own transaction, then waits (interruptibly) for the test. */
        @Task(queue = "work")
        void slow(int n, JobContext job) throws Exception;

        /** Ignores interrupts until the test lets it go. */
        @Task(queue = "work")
        void stubborn();
    }

    private final AtomicInteger quick = new AtomicInteger();
    private final AtomicInteger interrupted = new AtomicInteger();
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch stubbornStarted = new CountDownLatch(1);
    private final AtomicBoolean letGo = new AtomicBoolean();
    private Tasks tasks;
    private Jobs jobs;
    private Admin admin;

    @BeforeEach
    void setUp() {
        ddl("CREATE TABLE receipts (n integer PRIMARY KEY)");
        tasks = Tasks.create(pq).register(Jobs.class, new Jobs() {
            @Override
            public void quick(int n) {
                quick.incrementAndGet();
            }

            @Override
            public void slow(int n, JobContext job) throws Exception {
                try (PreparedStatement ps = job.connection().prepareStatement(
                        "INSERT INTO " + schema + ".receipts VALUES (?)")) {
                    ps.setInt(1, n);
                    ps.executeUpdate();
                }
                slowStarted.countDown();
                try {
                    new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                }
            }

            @Override
            public void stubborn() {
                stubbornStarted.countDown();
                while (!letGo.get()) {
                    Thread.onSpinWait();
                }
            }
        });
        jobs = tasks.client(Jobs.class);
        admin = tasks.admin();
    }

    private Worker worker() {
        return start(Worker.builder(tasks).queues("work").workerCount(1).pollInterval(Duration.ofSeconds(30)));
    }

    @Test
    void aWaitingJob_isCancelledAtOnce_neverRuns_andIsKeptWithItsReason() throws Exception {
        jobs.quick(1);
        long ready = tasks.lastId();
        tasks.enqueue("Jobs.quick", Enqueue.options().scheduleAt(Duration.ofHours(1)), 2);
        long scheduled = tasks.lastId();
        assertEquals(Admin.Cancel.WAITING, admin.cancel(ready, "a duplicate"));
        assertEquals(Admin.Cancel.WAITING, admin.cancel(scheduled, null));
        Worker w = worker();
        jobs.quick(3);
        await("the third job ran", () -> quick.get() == 1);
        w.awaitIdle();
        assertEquals(1, quick.get(), "a cancelled job ran");
        List<FailedJob> cancelled = admin.cancelled(null, 10, 0);
        assertEquals(List.of(ready, scheduled), cancelled.stream().map(FailedJob::id).toList());
        assertEquals("cancelled: a duplicate", cancelled.get(0).lastErrorMessage());
        assertEquals("cancelled", cancelled.get(1).lastErrorMessage());
        assertNotNull(cancelled.get(0).failedAt());
        assertTrue(admin.failed(null, 10, 0).isEmpty(), "cancelled jobs are not listed as failed");
        assertEquals(Admin.Cancel.NOT_PENDING, admin.cancel(ready, "again"), "a cancelled job is not pending");
        assertEquals(Admin.Cancel.NOT_PENDING, admin.cancel(987_654_321L, null), "no such job");
    }

    @Test
    void aRunningJob_isInterrupted_commitsNothing_andItsWorkerKeepsWorking() throws Exception {
        worker();
        jobs.slow(7, null);
        long id = tasks.lastId();
        assertTrue(slowStarted.await(10, TimeUnit.SECONDS));
        assertEquals(Admin.Cancel.RUNNING, admin.cancel(id, "taking too long"));
        await("the job's thread was interrupted", () -> interrupted.get() == 1);
        jobs.quick(1);
        await("the same worker runs the next job", () -> quick.get() == 1);
        assertEquals(0, count("SELECT count(*) FROM " + schema + ".receipts"), "the cancelled run's writes were rolled back");
        await("no lock is left", () -> jobLocks() == 0);
        Object cancelledAt = row(id).get("cancelled_at");
        assertNotNull(cancelledAt, "the job stays cancelled");
        assertEquals(0, ((Number) row(id).get("error_count")).intValue(), "a cancel is not an error of the job");
        assertEquals("cancelled: taking too long", admin.cancelled(null, 10, 0).get(0).lastErrorMessage());
    }

    @Test
    void aRunningJobThatIgnoresTheInterrupt_isAbandoned_andANewThreadTakesItsPlace() throws Exception {
        Worker w = worker();
        jobs.stubborn();
        long id = tasks.lastId();
        try {
            assertTrue(stubbornStarted.await(10, TimeUnit.SECONDS));
            assertEquals(Admin.Cancel.RUNNING, admin.cancel(id, null));
            jobs.quick(1);
            // the watchdog abandons it after its 5 s grace; a new thread then runs the next job
            await("a new thread ran the next job", Duration.ofSeconds(20), () -> quick.get() == 1);
            assertNotNull(row(id).get("cancelled_at"), "the abandoned job stays cancelled, not failed");
            assertTrue(admin.failed(null, 10, 0).isEmpty());
            assertEquals(0, w.running(), "the abandoned run is not counted as running");
        } finally {
            letGo.set(true);
        }
    }

    @Test
    void aCancelledJob_canBeRetried_andThenRuns() throws Exception {
        jobs.quick(1);
        long id = tasks.lastId();
        admin.cancel(id, null);
        assertTrue(admin.retryFailed(id), "retry takes a cancelled job's id");
        assertTrue(admin.cancelled(null, 10, 0).isEmpty());
        worker();
        await("it ran", () -> quick.get() == 1);
    }
}
