package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A run settles only the row version it started from. When another run of the same job got there
 * first (possible once a worker has lost its locks with its connection) the late run changes
 * nothing, and what its handler wrote through {@code job.connection()} rolls back with it: the
 * job's effects commit once. The other run is played here by the test's own SQL, at the moment
 * the late run's handler is still working.
 */
@Timeout(60)
class LostRaceTest extends TasksTestBase {
    public interface Pay {
        @Task(maxRetries = 3, retryIn = "1h")
        void pay(String how, JobContext job) throws Exception;
    }

    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch proceed = new CountDownLatch(1);
    private final AtomicInteger returned = new AtomicInteger();
    private Tasks tasks;

    @BeforeEach
    void setUp() {
        ddl("CREATE TABLE receipts (job_id bigint NOT NULL, run text NOT NULL)"); // no key: doubles show
        tasks = Tasks.create(pq);
        tasks.register(Pay.class, (how, job) -> {
            if (!how.equals("noTransaction")) {
                receipt(job, "worker");
            }
            running.countDown();
            assertTrue(proceed.await(30, TimeUnit.SECONDS));
            returned.incrementAndGet();
            switch (how) {
                case "finish" -> job.finish();
                case "fail" -> job.fail();
                case "retry" -> job.retryIn(Duration.ofMinutes(5));
                case "throw" -> throw new IllegalStateException("late failure");
                default -> { }
            }
        });
    }

    @AfterEach
    void letGo() {
        proceed.countDown();
    }

    private void receipt(JobContext job, String run) throws Exception {
        try (PreparedStatement ps = job.connection().prepareStatement("INSERT INTO " + schema + ".receipts VALUES (?, ?)")) {
            ps.setLong(1, job.id());
            ps.setString(2, run);
            ps.executeUpdate();
        }
    }

    private long startJob(String how) throws Exception {
        tasks.client(Pay.class).pay(how, null);
        long id = tasks.lastId();
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
        assertTrue(running.await(20, TimeUnit.SECONDS));
        return id;
    }

    /** Another run completes the job (and records its receipt) while this one still works. */
    private void anotherRunCompletes(long id) {
        exec("INSERT INTO " + schema + ".receipts VALUES (?, 'other')", id);
        exec("DELETE FROM " + table() + " WHERE id = ?", id);
    }

    private long receipts(long id) {
        return count("SELECT count(*) FROM " + schema + ".receipts WHERE job_id = ?", id);
    }

    @Test
    void destroyInTheJobsTransaction_rollsBackTheHandlersWrites_whenAnotherRunCompletedTheJobFirst() throws Exception {
        long id = startJob("destroy");
        anotherRunCompletes(id);
        proceed.countDown();
        await("the late run returned", () -> returned.get() == 1);
        await("its lock is released", () -> jobLocks() == 0);
        assertEquals(1, receipts(id), "the effect committed once: the late run's receipt rolled back");
        assertEquals(0, count("SELECT count(*) FROM " + schema + ".receipts WHERE run = 'worker'"));
        assertEquals(0, count("SELECT count(*) FROM " + table()), "nothing was re-created or left behind");
    }

    @Test
    void finishInTheJobsTransaction_changesNothing_whenAnotherRunFinishedTheJobFirst() throws Exception {
        long id = startJob("finish");
        exec("INSERT INTO " + schema + ".receipts VALUES (?, 'other')", id);
        exec("UPDATE " + table() + " SET finished_at = now() - interval '1 hour' WHERE id = ?", id);
        Instant finishedByOther = instant(row(id).get("finished_at"));
        proceed.countDown();
        await("the late run returned", () -> returned.get() == 1);
        await("its lock is released", () -> jobLocks() == 0);
        assertEquals(1, receipts(id));
        assertEquals(finishedByOther, row(id).get("finished_at"), "the other run's finish stands");
    }

    @Test
    void completionAfterTheRowWasRescheduledByAnotherRun_leavesTheRetryInPlace() throws Exception {
        long id = startJob("destroy");
        // the other run failed and rescheduled the job: same row, new version
        exec("UPDATE " + table() + " SET error_count = 1, schedule_at = now() + interval '1 hour' WHERE id = ?", id);
        proceed.countDown();
        await("the late run returned", () -> returned.get() == 1);
        await("its lock is released", () -> jobLocks() == 0);
        Map<String, Object> row = row(id);
        assertNotNull(row, "the late run did not delete the job the other run rescheduled");
        assertEquals(1, ((Number) row.get("error_count")).intValue());
        assertEquals(0, receipts(id), "the late run's write rolled back");
    }

    @Test
    void retryInTheJobsTransaction_changesNothing_whenAnotherRunCompletedTheJobFirst() throws Exception {
        long id = startJob("retry");
        anotherRunCompletes(id);
        proceed.countDown();
        await("the late run returned", () -> returned.get() == 1);
        await("its lock is released", () -> jobLocks() == 0);
        assertNull(row(id), "the late retry did not bring the job back");
        assertEquals(1, receipts(id));
    }

    @Test
    void batchedCompletion_doesNotDeleteAJobAnotherRunRescheduled() throws Exception {
        long id = startJob("noTransaction");
        exec("UPDATE " + table() + " SET error_count = 1, schedule_at = now() + interval '1 hour' WHERE id = ?", id);
        proceed.countDown();
        await("the late run returned", () -> returned.get() == 1);
        await("its lock is released", () -> jobLocks() == 0);
        Map<String, Object> row = row(id);
        assertNotNull(row, "the late run's batched DELETE spared the rescheduled job");
        assertEquals(1, ((Number) row.get("error_count")).intValue());
    }

    @Test
    void failureOfALateRun_isNotRecorded_overTheOtherRunsOutcome() throws Exception {
        long id = startJob("throw");
        exec("UPDATE " + table() + " SET finished_at = now() WHERE id = ?", id);
        proceed.countDown();
        await("the late run returned", () -> returned.get() == 1);
        await("its lock is released", () -> jobLocks() == 0);
        Map<String, Object> row = row(id);
        assertEquals(0, ((Number) row.get("error_count")).intValue(), "no error counted on a job finished elsewhere");
        assertNull(row.get("last_error_message"));
        assertNull(row.get("failed_at"));
        assertEquals(0, receipts(id));
    }
}
