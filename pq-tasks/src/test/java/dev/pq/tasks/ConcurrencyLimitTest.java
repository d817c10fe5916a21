package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Concurrency limits across worker processes: slot locks held by each process's locker session
 * with the job's lock, taken in the lock statement.
 */
@Timeout(300)
class ConcurrencyLimitTest extends LimitTestBase {
    private static final int JOBS = 600;

    @Test
    void threeProcessesOfEightThreads_neverRunMoreThanThreeAtOnce_andDrainTheQueue() throws Exception {
        enqueue("billing", 0, JOBS, 10);
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            processes.add(children.startMain(LimitChild.class, "p" + i, TestDatabase.url(), schema, "8", "p" + i,
                    "conc:billing:3"));
        }
        await("the queue drained: " + finished("true") + "\n" + children.output(), Duration.ofSeconds(240),
                () -> finished("true") == JOBS);
        await("every job row gone", Duration.ofSeconds(30), () -> pending() == 0);
        long overlap = maxOverlap("true", null);
        List<java.util.Map<String, Object>> perProcess = rows("SELECT worker, count(*) AS jobs FROM " + schema
                + ".ledger GROUP BY worker ORDER BY worker");
        System.out.printf("limit 3, 3 processes x 8 threads, %d jobs of 10 ms: at most %d running at once; per "
                + "process %s%n", JOBS, overlap, perProcess);
        assertEquals(3, overlap, "never more than 3 running at once (and the limit is reached)");
        assertTrue(perProcess.size() >= 2, "more than one process ran jobs: " + perProcess);
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), children.output());
        }
        assertEquals(0, slotLocks(), "no slot lock left");
        assertEquals(0, jobLocks(), "no job lock left");
    }

    @Test
    void perGroupLimit_runsAtMostOnePerGroupAtOnce_andBothGroupsProgress() throws Exception {
        enqueue("sync", 0, 80, 20);
        exec("UPDATE " + table() + " SET group_key = CASE WHEN id % 2 = 0 THEN 'tenant-a' ELSE 'tenant-b' END");
        Tasks tasks = Tasks.create(pq);
        tasks.register(LimitChild.Ledgered.class, new LimitChild.Ledger(schema, "in-process"));
        for (int i = 0; i < 2; i++) { // two lockers (two sessions) in this JVM
            start(Worker.builder(tasks).workerCount(6).pollInterval(Duration.ofMillis(200))
                    .limit(Limit.queue("sync").concurrency(1).perGroup()));
        }
        await("both groups progress", Duration.ofSeconds(60),
                () -> finished("group_key = 'tenant-a'") >= 5 && finished("group_key = 'tenant-b'") >= 5);
        await("drained", Duration.ofSeconds(120), () -> finished("true") == 80);
        assertEquals(1, maxOverlap("true", "group_key"), "at most one per group at once");
        assertEquals(2, maxOverlap("true", null), "the two groups ran side by side");
    }

    @Test
    void aKilledProcess_freesItsSlots_andTheOthersCarryOn() throws Exception {
        enqueue("billing", 0, 40, 10);
        Process holder = children.startMain(LimitChild.class, "holder", TestDatabase.url(), schema, "4", "holder",
                "conc:billing:2");
        await("the holder holds both slots", Duration.ofSeconds(60), () -> slotLocks() == 2);
        Process other = children.startMain(LimitChild.class, "other", TestDatabase.url(), schema, "4", "other",
                "conc:billing:2");
        await("the other process is up", Duration.ofSeconds(60),
                () -> count("SELECT count(*) FROM " + schema + ".queue_workers") == 2);
        assertEquals(0, count("SELECT count(*) FROM " + schema + ".ledger"), "nothing committed while the holder holds the slots");
        assertEquals(2, slotLocks());
        holder.destroyForcibly(); // kill -9: its session ends, its job and slot locks with it
        assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        await("the other process drained the queue: " + finished("true") + "\n" + children.output(),
                Duration.ofSeconds(120), () -> finished("true") == 40);
        assertEquals(40, finished("worker = 'other'"));
        assertTrue(maxOverlap("true", null) <= 2, "never more than 2 at once");
        other.destroy();
        assertTrue(other.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, slotLocks());
    }

    @Test
    void otherQueues_keepBeingServed_whileALimitedQueueIsAtItsCap() throws Exception {
        enqueue("slow", 0, 20, 60_000); // one of these holds the only slot for a minute
        enqueue("fast", 100, 50, 0);
        Tasks tasks = Tasks.create(pq);
        tasks.register(LimitChild.Ledgered.class, new LimitChild.Ledger(schema, "in-process"));
        Worker w = start(Worker.builder(tasks).workerCount(4).queues("slow", "fast").pollInterval(Duration.ofSeconds(5))
                .waitPeriod(Duration.ZERO).limit(Limit.queue("slow").concurrency(1)));
        await("every fast job done while slow is at its cap", Duration.ofSeconds(60),
                () -> finished("queue = 'fast'") == 50);
        assertEquals(1, w.running(), "one slow job runs, the other 19 wait in their queue");
        assertEquals(20, count("SELECT count(*) FROM " + table() + " WHERE queue = 'slow' AND failed_at IS NULL "
                + "AND error_count = 0 AND schedule_at IS NULL"), "the limited jobs wait, none failed or rescheduled");
    }
}
