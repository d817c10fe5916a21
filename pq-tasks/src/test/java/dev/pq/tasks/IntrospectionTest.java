package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Job stats, job states, the workers registry and the processed/failed counters. */
@Timeout(90)
class IntrospectionTest extends TasksTestBase {
    public interface Farm {
        @Task(queue = "apples")
        void pick(int n) throws InterruptedException;

        @Task(queue = "pears")
        void press(int n);
    }

    private final CountDownLatch picking = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Children children = new Children();

    @AfterEach
    void release() {
        done.countDown();
        children.close();
    }

    private Tasks tasks() {
        Tasks tasks = Tasks.create(pq);
        tasks.register(Farm.class, new Farm() {
            @Override
            public void pick(int n) throws InterruptedException {
                if (n == 0) {
                    picking.countDown();
                    done.await();
                }
            }

            @Override
            public void press(int n) {
                if (n < 0) {
                    throw new IllegalArgumentException("negative");
                }
            }
        });
        return tasks;
    }

    private static JobStats stats(Tasks tasks, String queue, String task) {
        return tasks.admin().jobStats().stream().filter(s -> s.queue().equals(queue) && s.task().equals(task))
                .findFirst().orElseThrow(() -> new AssertionError("no stats for " + queue + "/" + task + ": "
                        + tasks.admin().jobStats()));
    }

    @Test
    void jobStats_countPendingJobsPerQueueAndTask() throws Exception {
        Tasks tasks = tasks();
        Farm farm = tasks.client(Farm.class);
        farm.pick(1);
        long first = tasks.lastId();
        farm.pick(2);
        long second = tasks.lastId();
        tasks.client(Farm.class, Enqueue.options().scheduleAt(Instant.parse("2020-01-01T00:00:00Z"))).pick(3);
        farm.press(1);
        long failed = tasks.lastId();
        farm.press(2);
        long finished = tasks.lastId();
        pq.queue("apples").put("a pq-core job"); // no task name
        exec("UPDATE " + table() + " SET error_count = 2 WHERE id = ?", first);
        exec("UPDATE " + table() + " SET error_count = 1 WHERE id = ?", second);
        exec("UPDATE " + table() + " SET failed_at = now() WHERE id = ?", failed);
        exec("UPDATE " + table() + " SET finished_at = now() WHERE id = ?", finished);

        List<JobStats> all = tasks.admin().jobStats();
        assertEquals(2, all.size(), "per queue and task; failed and finished jobs are not pending: " + all);
        JobStats picks = stats(tasks, "apples", "Farm.pick");
        assertEquals(3, picks.count());
        assertEquals(0, picks.working());
        assertEquals(2, picks.errored());
        assertEquals(2, picks.highestErrorCount());
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), picks.oldestRunAt(), "the scheduled job's run time");
        JobStats core = stats(tasks, "apples", "");
        assertEquals(1, core.count());
        assertEquals(0, core.highestErrorCount());
        assertTrue(tasks.admin().jobStats().stream().noneMatch(s -> s.queue().equals("pears")));
    }

    @Test
    void jobStatsAndJobStates_showARunningJob_withItsWorkerHostPidThreadAndStart() throws Exception {
        Tasks tasks = tasks();
        tasks.client(Farm.class).pick(0);
        long id = tasks.lastId();
        tasks.client(Farm.class).pick(5);
        Instant before = Instant.now();
        Worker w = start(Worker.builder(tasks).workerCount(1).maximumBufferSize(0).heartbeatInterval(Duration.ofMillis(100)));
        assertTrue(picking.await(20, TimeUnit.SECONDS));

        JobStats picks = stats(tasks, "apples", "Farm.pick");
        assertEquals(2, picks.count());
        assertEquals(1, picks.working(), "the running job is locked; the other is not (buffer size 0)");

        await("the heartbeat reports the job", () -> tasks.admin().jobStates().size() == 1);
        JobState s = tasks.admin().jobStates().get(0);
        assertEquals(id, s.id());
        assertEquals("Farm.pick", s.task());
        assertEquals("apples", s.queue());
        assertEquals(w.id(), s.workerId());
        assertEquals(ProcessHandle.current().pid(), s.pid());
        assertFalse(s.host().isEmpty());
        assertTrue(s.thread().startsWith("pq-worker-"), s.thread());
        assertFalse(s.since().isBefore(before.minusSeconds(1)), s.since() + " vs " + before);
        assertFalse(s.since().isAfter(Instant.now()));

        done.countDown();
        await("no job running", () -> tasks.admin().jobStates().isEmpty());
        await("no job pending", () -> tasks.admin().jobStats().isEmpty());
    }

    @Test
    void workers_listsLiveWorkers_andDropsAKilledOne() throws Exception {
        Tasks tasks = tasks();
        Worker w = start(Worker.builder(tasks).queues("apples", "pears").workerCount(3)
                .heartbeatInterval(Duration.ofMillis(100)));
        Process child = children.start(TestDatabase.url(), schema, 2, 0, "listed");
        await("both listed: " + children.output(), Duration.ofSeconds(60), () -> tasks.admin().workers().size() == 2);
        WorkerInfo mine = tasks.admin().workers().stream().filter(i -> i.id().equals(w.id())).findFirst().orElseThrow();
        assertEquals(ProcessHandle.current().pid(), mine.pid());
        assertEquals(List.of("apples", "pears"), mine.queues());
        assertEquals(3, mine.workerCount());
        assertFalse(mine.heartbeatAt().isBefore(mine.startedAt()));
        assertTrue(tasks.admin().workers().stream().anyMatch(i -> i.pid() == child.pid()));

        child.destroyForcibly();
        child.waitFor();
        await("the killed worker is no longer listed", Duration.ofSeconds(15),
                () -> tasks.admin().workers().stream().noneMatch(i -> i.pid() == child.pid()));
        assertEquals(List.of(w.id()), tasks.admin().workers().stream().map(WorkerInfo::id).toList());
        await("a live worker's heartbeat prunes the dead one's row", Duration.ofSeconds(15),
                () -> count("SELECT count(*) FROM " + schema + ".queue_workers") == 1);
    }

    @Test
    void counters_addUpProcessedAndFailedJobs() {
        Tasks tasks = tasks();
        Farm farm = tasks.client(Farm.class);
        farm.press(1);
        farm.press(2);
        farm.press(-1);
        Worker w = start(Worker.builder(tasks).workerCount(2).heartbeatInterval(Duration.ofMillis(100)));
        await("drained", () -> pending() == 0);
        await("counters flushed by the heartbeat", () -> tasks.admin().counters().processed() == 3);
        assertEquals(1, tasks.admin().counters().failed());
        assertEquals(3, w.processed());
        assertEquals(1, w.failed());
        w.close();
        assertEquals(new Admin.Counters(3, 1), tasks.admin().counters(), "closing does not count twice");

        Worker w2 = start(Worker.builder(tasks).workerCount(1).heartbeatInterval(Duration.ofMillis(100)));
        farm.press(3);
        await("totals across workers", () -> tasks.admin().counters().processed() == 4);
        w2.close();
        assertEquals(new Admin.Counters(4, 1), tasks.admin().counters());
    }
}
