package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Que's worker priorities and Resque's queue lists (order, *, !exclusions, globs). */
@Timeout(60)
class QueueOrderTest extends TasksTestBase {
    public interface Log {
        @Task
        void note(String label);
    }

    public interface Gate {
        @Task
        void hold() throws InterruptedException;
    }

    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);
    private final Map<String, String> threadOf = new ConcurrentHashMap<>();
    private Tasks tasks;

    @BeforeEach
    void setUp() {
        tasks = Tasks.create(pq);
        tasks.register(Log.class, label -> {
            ran.add(label);
            threadOf.put(label, Thread.currentThread().getName());
        });
        tasks.register(Gate.class, () -> {
            ran.add("gate");
            holding.countDown();
            open.await();
        });
    }

    /** Occupies the single thread until {@code open}, with {@code buffered} jobs of queue {@code low} locked behind it. */
    private Worker occupied(String queue, int priority, int buffered, String... queues) throws Exception {
        tasks.client(Gate.class, Enqueue.options().queue(queue)).hold();
        Worker w = start(worker(queues).maximumBufferSize(8));
        assertTrue(holding.await(20, TimeUnit.SECONDS));
        for (int i = 0; i < buffered; i++) {
            note("later" + i, queue, priority);
        }
        await("the later jobs are locked into the buffer", () -> jobLocks() == 1 + buffered);
        return w;
    }

    @Test
    void aMoreImportantJob_arrivingWhileOthersAreBuffered_runsBeforeThem() throws Exception {
        Worker w = occupied("default", 100, 3, "default");
        note("urgent", "default", 1);
        await("urgent in the buffer too", () -> w.buffered() == 4);
        open.countDown();
        await("all ran", () -> ran.size() == 5);
        assertEquals(List.of("gate", "urgent", "later0", "later1", "later2"), ran);
    }

    @Test
    void aJobOfAnEarlierQueue_arrivingWhileOthersAreBuffered_runsBeforeThem() throws Exception {
        Worker w = occupied("low", 1, 3, "high", "low");
        note("high", "high", 100);
        await("high in the buffer too", () -> w.buffered() == 4);
        open.countDown();
        await("all ran", () -> ran.size() == 5);
        assertEquals(List.of("gate", "high", "later0", "later1", "later2"), ran);
    }

    private long note(String label, String queue, int priority) {
        tasks.client(Log.class, Enqueue.options().queue(queue).priority(priority)).note(label);
        return tasks.lastId();
    }

    private Worker.Builder worker(String... queues) {
        return Worker.builder(tasks).queues(queues).workerCount(1).pollInterval(Duration.ofMillis(50));
    }

    @Test
    void workerPriorities_aThreadTakesOnlyJobsAtOrAboveItsPriority() throws Exception {
        long p50 = note("p50", "default", 50);
        note("p10", "default", 10);
        note("p5", "default", 5);
        start(Worker.builder(tasks).workerCount(1).workerPriorities(10).pollInterval(Duration.ofMillis(50)));
        await("p10 and p5 ran", () -> ran.size() == 2);
        assertEquals(List.of("p5", "p10"), ran);
        Thread.sleep(500); // ten polls: the priority-50 job must still not be taken
        assertEquals(2, ran.size());
        assertNotNull(row(p50));
        assertEquals(0, jobLocks(), "the job is not even locked (buffered) for a thread that cannot take it");
    }

    @Test
    void workerPriorities_remainingThreadsTakeAnyPriority() {
        note("p50", "default", 50);
        note("p10", "default", 10);
        start(Worker.builder(tasks).workerCount(2).workerPriorities(10).pollInterval(Duration.ofMillis(50)));
        await("both ran", () -> ran.size() == 2);
        assertFalse(threadOf.get("p50").endsWith("-p10"), "p50 ran on " + threadOf.get("p50"));
    }

    @Test
    void jobsRunByPriority_lowerFirst_thenFifo() {
        note("c", "default", 100);
        note("a", "default", 1);
        note("d", "default", 100);
        note("b", "default", 50);
        start(worker("default"));
        await("all ran", () -> ran.size() == 4);
        assertEquals(List.of("a", "b", "c", "d"), ran);
    }

    @Test
    void jobsOfEqualPriority_runByExpectedTime_earliestFirst_unexpectedLast() {
        note("none", "default", 100);
        tasks.client(Log.class, Enqueue.options().expectedAt("3m")).note("3m");
        tasks.client(Log.class, Enqueue.options().expectedAt("1m")).note("1m");
        start(worker("default"));
        await("all ran", () -> ran.size() == 3);
        assertEquals(List.of("1m", "3m", "none"), ran);
    }

    @Test
    void queueList_order_runsEarlierQueuesFirst_whateverThePriorities() {
        for (int i = 0; i < 5; i++) {
            note("low" + i, "low", 1);
        }
        for (int i = 0; i < 5; i++) {
            note("high" + i, "high", 100);
        }
        start(worker("high", "low"));
        await("all ran", () -> ran.size() == 10);
        assertEquals(List.of("high0", "high1", "high2", "high3", "high4", "low0", "low1", "low2", "low3", "low4"), ran);
    }

    @Test
    void queueList_starWithExclusion_worksEveryQueueButTheExcluded() throws Exception {
        note("a", "a", 100);
        long low = note("low", "low", 100);
        note("z", "z", 100);
        start(worker("*", "!low"));
        await("a and z ran", () -> ran.size() == 2);
        Thread.sleep(300);
        assertEquals(List.of("a", "z"), ran, "* is alphabetical");
        assertNotNull(row(low));
        assertEquals(0, jobLocks());
    }

    @Test
    void queueList_globExclusion_excludesEveryMatchingQueue() throws Exception {
        long a = note("file_a", "file_a", 100);
        long b = note("file_b", "file_b", 100);
        note("files", "files", 100);
        note("other", "other", 100);
        start(worker("*", "!file_*"));
        await("files and other ran", () -> ran.size() == 2);
        Thread.sleep(300);
        assertEquals(List.of("files", "other"), ran);
        assertNotNull(row(a));
        assertNotNull(row(b));
    }

    @Test
    void queueList_globInclusion_worksOnlyMatchingQueues_includingQueuesSeenAfterStart() throws Exception {
        note("file_a", "file_a", 100);
        long other = note("other", "other", 100);
        start(worker("file_*").pollInterval(Duration.ofSeconds(30)));
        await("file_a ran", () -> ran.contains("file_a"));
        note("file_new", "file_new", 100); // a queue the worker has not seen: learnt from its notification
        await("file_new ran", Duration.ofSeconds(10), () -> ran.contains("file_new"));
        assertTrue(ran.stream().noneMatch("other"::equals));
        assertNotNull(row(other));
    }

    @Test
    void builder_validatesSettings_withMessagesNamingTheField() {
        assertThrows(IllegalArgumentException.class, () -> Worker.builder(tasks).queues("!low").build());
        assertThrows(IllegalArgumentException.class, () -> Worker.builder(tasks).queues(List.of()).build());
        assertThrows(IllegalArgumentException.class, () -> Worker.builder(tasks).workerCount(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> Worker.builder(tasks).workerCount(1).workerPriorities(10, 20).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Worker.builder(tasks).pollInterval(Duration.ofMillis(1)).build());
        assertTrue(e.getMessage().startsWith("pollInterval must be >= 10ms"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Worker.builder(tasks).maximumBufferSize(-1).build());
        assertThrows(IllegalArgumentException.class, () -> Worker.builder(tasks).waitPeriod(Duration.ofSeconds(-1)).build());
    }
}
