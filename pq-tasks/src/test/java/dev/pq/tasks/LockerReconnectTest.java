package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The locker's connection is killed while jobs run: the worker reconnects by itself, takes the
 * locks of the jobs it is still running again, never runs one of them a second time itself, and
 * drops the buffered jobs whose locks are gone instead of running them unlocked.
 */
@Timeout(60)
class LockerReconnectTest extends TasksTestBase {
    public interface Hold {
        @Task
        void hold(int n, JobContext job) throws Exception;
    }

    private final Semaphore started = new Semaphore(0);
    private final CountDownLatch open = new CountDownLatch(1);
    private final AtomicInteger runs = new AtomicInteger();
    private Tasks tasks;

    @BeforeEach
    void setUp() {
        ddl("CREATE TABLE runs (n integer NOT NULL, job_id bigint NOT NULL)");
        tasks = Tasks.create(pq);
        tasks.register(Hold.class, (n, job) -> {
            runs.incrementAndGet();
            exec("INSERT INTO " + schema + ".runs VALUES (?, ?)", n, job.id());
            started.release();
            assertTrue(open.await(30, TimeUnit.SECONDS));
            try (PreparedStatement ps = job.connection().prepareStatement("SELECT 1")) {
                ps.execute();
            }
        });
    }

    @AfterEach
    void openGate() {
        open.countDown();
    }

    private Integer lockerPid() {
        List<Map<String, Object>> r = rows("SELECT backend_pid FROM " + schema + ".queue_workers");
        return r.isEmpty() ? null : (Integer) r.get(0).get("backend_pid");
    }

    private long locksHeldBy(int pid) {
        return count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted AND pid = ? "
                + "AND classid = CAST(CAST(? AS bigint) AS oid)", pid, Integer.toUnsignedLong(dev.pq.internal.Internals.engine(pq).sql().lockClass));
    }

    @Test
    void afterTheLockerReconnects_itLocksItsRunningJobsAgain_andNeverRunsThemTwiceItself() throws Exception {
        tasks.client(Hold.class).hold(1, null);
        long id = tasks.lastId();
        // two threads: the idle one would take the running job again if the new session locked it
        start(Worker.builder(tasks).workerCount(2).maximumBufferSize(4).pollInterval(Duration.ofMillis(50))
                .heartbeatInterval(Duration.ofMillis(100)));
        assertTrue(started.tryAcquire(20, TimeUnit.SECONDS));
        await("the locker's backend is registered", () -> lockerPid() != null);
        int old = lockerPid();
        assertEquals(1, locksHeldBy(old));
        exec("SELECT pg_terminate_backend(?)", old);
        await("a new locker session is registered", Duration.ofSeconds(20),
                () -> {
                    Integer p = lockerPid();
                    return p != null && p != old;
                });
        int fresh = lockerPid();
        await("the running job is locked again by the new session", () -> locksHeldBy(fresh) == 1);
        // many lock rounds at a 50 ms poll: none may hand the running job to the idle thread
        // (locking is in id order: had the new session locked job 1, the idle thread would be
        // holding it now and job 2 could not start)
        tasks.client(Hold.class).hold(2, null);
        await("job 2 runs on the idle thread", () -> count("SELECT count(*) FROM " + schema + ".runs WHERE n = 2") == 1);
        assertEquals(1, count("SELECT count(*) FROM " + schema + ".runs WHERE job_id = ?", id), "job 1 ran once here");
        assertEquals(2, runs.get());
        open.countDown();
        await("both done", () -> pending() == 0);
        assertEquals(1, count("SELECT count(*) FROM " + schema + ".runs WHERE job_id = ?", id));
        await("every lock released", () -> jobLocks() == 0);
    }
}
