package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.PQ;
import dev.pq.tasks.ChildWorker.Numbered;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 4 worker processes of 8 threads each over 10,000 jobs: every job runs exactly once (each job
 * writes its number, under a primary key, in its own transaction), and SIGTERM closes each
 * process gracefully (it leaves the registry and holds no lock).
 */
@Timeout(300)
class MultiProcessTest extends ChildProcessTestBase {
    private static final int JOBS = 10_000;
    private static final int PROCESSES = 4;
    private static final int THREADS = 8;

    @Override
    protected PQ.Builder builder() {
        return super.builder().poolSize(4); // leave connections to the children
    }

    @Test
    void fourProcessesOfEightThreads_runTenThousandJobs_eachExactlyOnce() throws Exception {
        Tasks producer = Tasks.create(pq);
        long t0 = System.nanoTime();
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            Numbered client = producer.client(Numbered.class, Enqueue.options().in(c));
            for (int n = 0; n < JOBS; n++) {
                client.run(n, null);
            }
            c.commit();
        }
        long enqueued = System.nanoTime();

        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            processes.add(children.start(TestDatabase.url(), schema, THREADS, 0, "p" + i));
        }
        await("every job done: " + done() + "\n" + children.output(), Duration.ofSeconds(240), () -> done() == JOBS);
        long drained = System.nanoTime();

        for (Process p : processes) {
            p.destroy(); // SIGTERM: the worker's shutdown hook closes it
        }
        for (Process p : processes) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a child did not exit after SIGTERM\n" + children.output());
        }

        assertEquals(JOBS, done());
        Map<String, Object> range = rows("SELECT min(n) AS lo, max(n) AS hi, count(DISTINCT job_id) AS ids FROM "
                + schema + ".done").get(0);
        assertEquals(0, ((Number) range.get("lo")).intValue());
        assertEquals(JOBS - 1, ((Number) range.get("hi")).intValue());
        assertEquals(JOBS, ((Number) range.get("ids")).intValue());
        assertEquals(0, count("SELECT count(*) FROM " + table()), "no job left over, none failed");
        assertEquals(0, jobLocks(), "no lock left");
        assertEquals(0, count("SELECT count(*) FROM " + schema + ".queue_workers"),
                "every process left the registry on SIGTERM\n" + children.output());
        assertEquals(JOBS, producer.admin().counters().processed(), "the processes' counters add up");
        assertEquals(0, producer.admin().counters().failed());

        List<Map<String, Object>> perWorker = rows("SELECT worker, count(*) AS jobs FROM " + schema
                + ".done GROUP BY worker ORDER BY worker");
        System.out.printf("enqueued %d jobs in %d ms; %d processes x %d threads drained them in %d ms (incl. JVM start); "
                        + "per process: %s%n", JOBS, TimeUnit.NANOSECONDS.toMillis(enqueued - t0), PROCESSES, THREADS,
                TimeUnit.NANOSECONDS.toMillis(drained - enqueued), perWorker);
    }
}
