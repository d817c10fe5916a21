package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.TestDatabase;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The locker (Que's design): one connection, session advisory locks, at most idle threads plus
 * the buffer size locked, every lock released after completion, and no busy loop.
 */
@Timeout(60)
class LockerTest extends TasksTestBase {
    public interface Block {
        @Task
        void hold(int n) throws InterruptedException;
    }

    public interface Where {
        @Task
        void where(JobContext job) throws Exception;
    }

    private final Semaphore started = new Semaphore(0);
    private final CountDownLatch open = new CountDownLatch(1);
    private final AtomicInteger ran = new AtomicInteger();
    private Tasks tasks;

    @BeforeEach
    void setUp() {
        tasks = Tasks.create(pq);
        tasks.register(Block.class, n -> {
            started.release();
            open.await();
            ran.incrementAndGet();
        });
    }

    @AfterEach
    void openGate() {
        open.countDown();
    }

    private void enqueue(int jobs) throws InterruptedException {
        for (int i = 0; i < jobs; i++) {
            tasks.client(Block.class).hold(i);
        }
    }

    /** Samples the number of locked jobs for a while; returns the largest seen. */
    private long maxLocksOver(Duration d) throws InterruptedException {
        long max = 0;
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() - end < 0) {
            max = Math.max(max, jobLocks());
            Thread.sleep(10);
        }
        return max;
    }

    @Test
    void locksAtMostBusyThreadsPlusTheBuffer() throws Exception {
        enqueue(20);
        start(Worker.builder(tasks).workerCount(2).maximumBufferSize(3).pollInterval(Duration.ofMillis(50)));
        assertTrue(started.tryAcquire(2, 20, TimeUnit.SECONDS));
        await("2 running + 3 buffered locked", () -> jobLocks() == 5);
        assertEquals(5, maxLocksOver(Duration.ofMillis(500)));
        open.countDown();
        await("all ran", () -> ran.get() == 20);
        await("every lock released", () -> jobLocks() == 0);
        assertEquals(0, pending());
    }

    private List<Object> lockHolders() {
        return rows("SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted AND "
                + "classid = CAST(CAST(? AS bigint) AS oid)", Integer.toUnsignedLong(dev.pq.internal.Internals.engine(pq).sql().lockClass))
                .stream().map(r -> r.get("pid")).toList();
    }

    @Test
    void jobLocks_areSessionLocksOfTheOneLockerConnection_andJobsRunOnPoolConnections() throws Exception {
        List<Integer> jobPids = new CopyOnWriteArrayList<>();
        tasks.register(Where.class, job -> {
            try (var ps = job.connection().prepareStatement("SELECT pg_backend_pid()"); var rs = ps.executeQuery()) {
                rs.next();
                jobPids.add(rs.getInt(1));
            }
        });
        enqueue(6);
        start(Worker.builder(tasks).workerCount(3).maximumBufferSize(2).pollInterval(Duration.ofMillis(50))
                .heartbeatInterval(Duration.ofMillis(100)));
        assertTrue(started.tryAcquire(3, 20, TimeUnit.SECONDS));
        await("3 running + 2 buffered", () -> jobLocks() == 5);
        await("the locker's backend is registered", () -> !rows("SELECT backend_pid FROM " + schema
                + ".queue_workers WHERE backend_pid IS NOT NULL").isEmpty());
        Object lockerPid = rows("SELECT backend_pid FROM " + schema + ".queue_workers").get(0).get("backend_pid");
        assertEquals(List.of(lockerPid), lockHolders(), "every job lock is held by the locker's session");
        assertEquals(0, count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = ? AND NOT granted",
                lockerPid));
        open.countDown();
        tasks.client(Where.class).where(null);
        await("the job ran", () -> jobPids.size() == 1);
        assertTrue(!jobPids.get(0).equals(lockerPid), "the job ran on a pool connection, not the locker's");
        await("every lock released", () -> jobLocks() == 0);
    }

    @Test
    void withNoBuffer_locksOnlyWhatItsThreadsRun() throws Exception {
        enqueue(5);
        start(Worker.builder(tasks).workerCount(1).maximumBufferSize(0).pollInterval(Duration.ofMillis(50)));
        assertTrue(started.tryAcquire(1, 20, TimeUnit.SECONDS));
        assertEquals(1, maxLocksOver(Duration.ofSeconds(1)), "one thread, no buffer: one lock");
    }

    @Test
    void withNoBuffer_theLockerWaits_insteadOfSpinning_whileEveryThreadIsBusy() throws Exception {
        enqueue(3);
        Worker w = start(Worker.builder(tasks).workerCount(1).maximumBufferSize(0).pollInterval(Duration.ofMillis(50)));
        assertTrue(started.tryAcquire(1, 20, TimeUnit.SECONDS));
        Thread locker = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("pq-worker-" + w.id().substring(w.id().length() - 8) + "-locker"))
                .findFirst().orElseThrow();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getThreadCpuTime(locker.getId());
        Thread.sleep(1_000);
        long cpuMs = TimeUnit.NANOSECONDS.toMillis(mx.getThreadCpuTime(locker.getId()) - cpu0);
        assertTrue(cpuMs < 300, "the locker used " + cpuMs + " ms of CPU in 1 s while it had nothing to do");
        open.countDown();
        await("all ran", () -> ran.get() == 3);
    }

    public interface Quick {
        @Task
        void quick(int n);
    }

    @Test
    void jobsAnotherSessionHeld_areTakenAsSoonAsItLetsGo_withoutWaitingForThePoll() throws Exception {
        Set<Integer> done = ConcurrentHashMap.newKeySet();
        tasks.register(Quick.class, done::add);
        for (int i = 0; i < 10; i++) {
            tasks.client(Quick.class).quick(i);
        }
        // another worker holds the first eight (its buffer), then dies without a word: no notification
        try (Connection other = TestDatabase.connect()) {
            try (PreparedStatement ps = other.prepareStatement("SELECT count(pg_advisory_lock(?, CAST((id % 4294967296) "
                    + "- 2147483648 AS integer))) FROM (SELECT id FROM " + table() + " ORDER BY id LIMIT 8) AS j")) {
                ps.setInt(1, dev.pq.internal.Internals.engine(pq).sql().lockClass);
                ps.executeQuery().close();
            }
            start(Worker.builder(tasks).workerCount(4).maximumBufferSize(0).pollInterval(Duration.ofSeconds(60)));
            await("the two free jobs ran", () -> done.size() == 2);
            assertEquals(Set.of(8, 9), done);
        }
        long t0 = System.nanoTime();
        await("the released jobs ran long before the 60 s poll", Duration.ofSeconds(5), () -> done.size() == 10);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
    }
}
