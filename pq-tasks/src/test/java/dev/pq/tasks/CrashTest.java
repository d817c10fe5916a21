package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.ChildWorker.Numbered;
import dev.pq.tasks.ChildWorker.Recorder;
import dev.pq.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker JVM killed with SIGKILL while holding jobs leaves none stuck: its locks die with its
 * connection, its uncommitted work rolls back, and a second worker completes every job, each
 * exactly once overall (checked by the primary key of the table the jobs write to).
 */
@Timeout(120)
class CrashTest extends ChildProcessTestBase {
    private static final int JOBS = 40;

    @Test
    void workerKilledWithSigkill_whileHoldingJobs_anotherWorkerCompletesEveryJobExactlyOnce() throws Exception {
        Tasks producer = Tasks.create(pq);
        Numbered client = producer.client(Numbered.class);
        for (int n = 0; n < JOBS; n++) {
            client.run(n, null);
        }

        // the child runs even jobs at once and sleeps in odd ones (after writing, uncommitted)
        Process child = children.start(TestDatabase.url(), schema, 4, 600_000, "child");
        // (states are as of the last heartbeat: wait until they show the 4 odd jobs, which never end)
        await("the child holds 4 sleeping jobs: " + children.output(), Duration.ofSeconds(60), () -> {
            List<JobState> states = producer.admin().jobStates();
            return states.size() == 4 && states.stream().allMatch(s -> s.pid() == child.pid() && isOdd(s.id()));
        });
        List<JobState> held = producer.admin().jobStates();
        assertTrue(held.stream().allMatch(s -> s.pid() == child.pid() && !s.thread().isEmpty()));
        assertTrue(jobLocks() >= 4, "the child's locker holds the running (and buffered) jobs");
        assertEquals(1, producer.admin().workers().size());

        child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        child.waitFor();
        long byChild = done();
        await("the dead child's locks are gone", Duration.ofSeconds(10), () -> jobLocks() == 0);
        await("the dead child drops out of the registry", Duration.ofSeconds(10), () -> producer.admin().workers().isEmpty());
        assertEquals(JOBS - byChild, pending(), "no job was lost or completed by the dead child's uncommitted work");

        Tasks tasks = Tasks.create(pq);
        tasks.register(Numbered.class, new Recorder(schema, 0, "survivor"));
        Worker survivor = start(Worker.builder(tasks).workerCount(4).pollInterval(Duration.ofSeconds(1)));
        await("the survivor completed every job", Duration.ofSeconds(30), () -> done() == JOBS);
        assertTrue(survivor.awaitDrained(Duration.ofSeconds(20)));

        List<Map<String, Object>> rows = rows("SELECT n, job_id, worker FROM " + schema + ".done ORDER BY n");
        assertEquals(JOBS, rows.size());
        for (int n = 0; n < JOBS; n++) {
            assertEquals(n, ((Number) rows.get(n).get("n")).intValue(), "job " + n + " recorded exactly once");
        }
        assertTrue(byChild > 0, "the child completed some jobs before it died");
        Set<Long> heldIds = held.stream().map(JobState::id).collect(Collectors.toSet());
        for (Map<String, Object> r : rows) {
            if (heldIds.contains(((Number) r.get("job_id")).longValue())) {
                assertEquals("survivor", r.get("worker"), "a job the child held when killed was completed by the survivor");
            }
        }
        assertEquals(0, survivor.failed(), "no job failed (a second run would violate the primary key)");
        assertEquals(0, count("SELECT count(*) FROM " + table()), "no job left, none failed");
        assertFalse(child.isAlive());
    }

    private boolean isOdd(long id) {
        Map<String, Object> row = row(id);
        return row != null && Integer.parseInt(((String) row.get("data")).replaceAll("[^0-9]", "")) % 2 == 1;
    }

    @Test
    void lockerConnectionKilled_theWorkerReconnects_andKeepsWorking() throws Exception {
        Tasks tasks = Tasks.create(pq);
        tasks.register(Numbered.class, new Recorder(schema, 0, "survivor"));
        Numbered client = tasks.client(Numbered.class);
        start(Worker.builder(tasks).workerCount(2).pollInterval(Duration.ofMillis(200))
                .heartbeatInterval(Duration.ofMillis(100)));
        client.run(0, null);
        await("the first job ran", () -> done() == 1);
        await("the locker's backend is registered", () -> lockerPid() != null);
        int old = lockerPid();
        assertEquals(1, count("SELECT count(*) FROM (SELECT pg_terminate_backend(?)) AS t", old));
        await("the old backend is gone", () -> count("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", old) == 0);
        for (int n = 1; n <= 5; n++) {
            client.run(n, null);
        }
        await("jobs run after the locker reconnected", Duration.ofSeconds(30), () -> done() == 6);
        await("the new locker backend is registered", () -> lockerPid() != null && lockerPid() != old);
        assertEquals(0, jobLocks());
        assertEquals(0, count("SELECT count(*) FROM " + table()));
    }

    private Integer lockerPid() {
        List<Map<String, Object>> r = rows("SELECT backend_pid FROM " + schema + ".queue_workers");
        return r.isEmpty() ? null : (Integer) r.get(0).get("backend_pid");
    }
}
