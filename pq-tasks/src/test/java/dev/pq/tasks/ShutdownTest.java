package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** close(): running jobs get the wait period, then are interrupted (or abandoned); every lock is released. */
@Timeout(60)
class ShutdownTest extends TasksTestBase {
    public interface Slow {
        @Task
        void work(long millis, String receipts, JobContext job) throws Exception;

        @Task
        void spin();
    }

    final CountDownLatch started = new CountDownLatch(1);
    final AtomicInteger interrupted = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    volatile boolean release;
    Tasks tasks;

    @BeforeEach
    void setUp() {
        ddl("CREATE TABLE receipts (id bigint PRIMARY KEY)");
        tasks = Tasks.create(pq);
        tasks.register(Slow.class, new Slow() {
            @Override
            public void work(long millis, String receipts, JobContext job) throws Exception {
                started.countDown();
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                }
                try (PreparedStatement ps = job.connection().prepareStatement("INSERT INTO " + receipts + " VALUES (?)")) {
                    ps.setLong(1, job.id());
                    ps.executeUpdate();
                }
                finished.incrementAndGet();
            }

            @Override
            public void spin() {
                started.countDown();
                while (!release) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    }
                }
            }
        });
    }

    @AfterEach
    void releaseSpinner() {
        release = true;
    }

    private String receipts() {
        return schema + ".receipts";
    }

    private long workerRows() {
        return count("SELECT count(*) FROM " + schema + ".queue_workers");
    }

    @Test
    void close_letsARunningJobFinishWithinTheWaitPeriod() throws Exception {
        tasks.client(Slow.class).work(1_000, receipts(), null);
        long id = tasks.lastId();
        Worker w = start(Worker.builder(tasks).workerCount(1).waitPeriod(Duration.ofSeconds(20))
                .heartbeatInterval(Duration.ofMillis(100)));
        assertTrue(started.await(20, TimeUnit.SECONDS));
        await("registered", () -> workerRows() == 1);
        long t0 = System.nanoTime();
        w.close();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(1, finished.get(), "the running job finished");
        assertEquals(0, interrupted.get(), "and was not interrupted");
        assertNull(row(id), "its completion was committed before close returned");
        assertEquals(1, count("SELECT count(*) FROM " + receipts() + " WHERE id = ?", id));
        assertTrue(took < 15_000, "close waited for the job, not the whole wait period: " + took + " ms");
        assertEquals(0, jobLocks());
        assertEquals(0, workerRows(), "the worker left the registry");
    }

    @Test
    void close_interruptsALongJobAfterAShortWaitPeriod_returnsItWithoutAnError_andReleasesEverything() throws Exception {
        tasks.client(Slow.class).work(60_000, receipts(), null);
        long id = tasks.lastId();
        for (int i = 0; i < 4; i++) {
            tasks.client(Slow.class).work(60_000, receipts(), null); // buffered behind it
        }
        Worker w = start(Worker.builder(tasks).workerCount(1).maximumBufferSize(8).waitPeriod(Duration.ofMillis(200))
                .heartbeatInterval(Duration.ofMillis(100)));
        assertTrue(started.await(20, TimeUnit.SECONDS));
        await("the running and the buffered jobs are locked", () -> jobLocks() == 5);
        await("registered", () -> workerRows() == 1);
        long t0 = System.nanoTime();
        w.close();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(1, interrupted.get(), "the running job was interrupted");
        assertEquals(0, finished.get());
        assertTrue(took < 5_000, "close took " + took + " ms");
        assertEquals(0, jobLocks(), "no advisory lock is left");
        assertEquals(0, workerRows(), "the worker left the registry");
        Map<String, Object> row = row(id);
        assertNotNull(row, "the interrupted job is kept");
        assertEquals(0, ((Number) row.get("error_count")).intValue(), "a shutdown interrupt is not the job's error");
        assertNull(row.get("failed_at"), "so even a job without retries is not failed by a deploy");
        assertEquals(5, pending(), "the interrupted and the buffered jobs are back in the queue");
        assertEquals(0, count("SELECT count(*) FROM " + table() + " WHERE error_count > 0 AND id <> ?", id));
        assertEquals(0, count("SELECT count(*) FROM " + receipts()));
    }

    @Test
    void close_abandonsAJobThatIgnoresInterrupts_releasingItsLock_soItRunsAgain() throws Exception {
        tasks.client(Slow.class).spin();
        long id = tasks.lastId();
        Worker w = start(Worker.builder(tasks).workerCount(1).waitPeriod(Duration.ZERO));
        assertTrue(started.await(20, TimeUnit.SECONDS));
        await("locked", () -> jobLocks() == 1);
        long t0 = System.nanoTime();
        w.close();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(interrupted.get() > 0);
        assertTrue(took < 15_000, "close took " + took + " ms");
        assertEquals(0, jobLocks(), "the abandoned job's lock is released");
        assertEquals(0, workerRows());
        Map<String, Object> row = row(id);
        assertNotNull(row);
        assertNull(row.get("failed_at"), "an abandoned job is not failed: it runs again");
        assertEquals(1, pending());
    }

    @Test
    void closeWithNothingRunning_isQuick_andIdempotent() {
        Worker w = start(Worker.builder(tasks).workerCount(4).heartbeatInterval(Duration.ofMillis(100)));
        await("registered", () -> workerRows() == 1);
        long t0 = System.nanoTime();
        w.close();
        w.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertEquals(0, workerRows());
        assertEquals(0, jobLocks());
    }

    @Test
    void close_releasesBufferedJobsAtOnce_soAnotherWorkerRunsThemWhileALongJobStillFinishes() throws Exception {
        tasks.client(Slow.class).spin(); // runs until the test lets it go, ignoring interrupts
        for (int i = 0; i < 4; i++) {
            tasks.client(Slow.class).work(0, receipts(), null); // buffered behind it
        }
        Worker a = start(Worker.builder(tasks).workerCount(1).maximumBufferSize(8).waitPeriod(Duration.ofSeconds(30)));
        assertTrue(started.await(20, TimeUnit.SECONDS));
        await("the running and the buffered jobs are locked", () -> jobLocks() == 5);
        start(Worker.builder(tasks).workerCount(2).pollInterval(Duration.ofSeconds(60)));
        Thread closing = new Thread(a::close, "closing-a");
        closing.start();
        await("the other worker ran the buffered jobs while the long one still runs", Duration.ofSeconds(10),
                () -> count("SELECT count(*) FROM " + receipts()) == 4);
        assertTrue(closing.isAlive(), "worker a is still waiting for its running job");
        assertEquals(1, jobLocks(), "only the running job is still locked");
        release = true;
        closing.join(20_000);
        assertTrue(!closing.isAlive());
        await("the long job completed", () -> pending() == 0);
    }
}
