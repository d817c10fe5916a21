package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.PQ;
import dev.pq.tasks.ChildWorker.Numbered;
import dev.pq.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two worker processes (separate JVMs) at the default settings share 100 jobs of 200 ms that wait
 * before they start: neither hoards them (the lock batch of long jobs is the idle threads), so the
 * drain takes about the even split. The drain is timed from the moment both processes reported
 * "started" (read from their stdout), so a JVM's start-up is not counted; jobs the first process
 * finished before the second was up are taken off the work left.
 */
@Timeout(120)
class FairDrainProcessTest extends ChildProcessTestBase {
    private static final int JOBS = 100;
    private static final int THREADS = 6; // Worker.Builder's default workerCount
    private static final long SLEEP_MS = 200;

    @Override
    protected PQ.Builder builder() {
        return super.builder().poolSize(4); // leave connections to the children
    }

    @Test
    void twoProcessesAtDefaults_shareLongJobs_andDrainInAboutTheEvenSplit() throws Exception {
        Tasks producer = Tasks.create(pq);
        TestDatabase.execute("ALTER TABLE " + schema + ".done ADD COLUMN at timestamptz NOT NULL DEFAULT clock_timestamp()");
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            Numbered client = producer.client(Numbered.class, Enqueue.options().in(c));
            for (int i = 0; i < JOBS; i++) {
                client.run(2 * i + 1, null); // odd numbers: each sleeps SLEEP_MS in the child
            }
            c.commit();
        }

        CountDownLatch started = new CountDownLatch(2);
        AtomicLong bothAt = new AtomicLong();
        ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
        List<Process> processes = new ArrayList<>();
        long spawned = System.nanoTime();
        try {
            for (int i = 0; i < 2; i++) {
                processes.add(spawn("p" + i, started, bothAt, output));
            }
            assertTrue(started.await(60, TimeUnit.SECONDS), "both children start\n" + String.join("\n", output));
            long doneAtStart = done();
            long left = JOBS - doneAtStart;
            await("every job done: " + done() + "\n" + String.join("\n", output), Duration.ofSeconds(60),
                    () -> done() == JOBS);
            long drainMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - bothAt.get());
            long startMs = TimeUnit.NANOSECONDS.toMillis(bothAt.get() - spawned);

            List<Map<String, Object>> perWorker = rows("SELECT worker, count(*) AS jobs, "
                    + "round(extract(epoch FROM max(at) - min(at)) * 1000) AS first_to_last_start_ms FROM " + schema
                    + ".done GROUP BY worker ORDER BY worker");
            // The even split of the jobs left over both processes' threads, in whole rounds of one job
            // cycle each. A cycle is 200 ms of sleep plus the job's insert and completion, which on a
            // loaded machine add much: it is measured (the interval between a process's job starts,
            // times its threads), not assumed. A hoarding process doubles the rounds, whatever the cycle.
            long cycleMs = Long.MAX_VALUE; // the faster process's: a process left idle between jobs only looks slower
            for (Map<String, Object> w : perWorker) {
                long jobs = ((Number) w.get("jobs")).longValue();
                if (jobs > 2L * THREADS) {
                    long span = ((Number) w.get("first_to_last_start_ms")).longValue();
                    cycleMs = Math.min(cycleMs, span * THREADS / (jobs - THREADS));
                }
            }
            cycleMs = cycleMs == Long.MAX_VALUE ? SLEEP_MS : Math.max(SLEEP_MS, cycleMs);
            long rounds = (left + 2 * THREADS - 1) / (2 * THREADS);
            long bound = Math.round(1.10 * rounds * cycleMs) + cycleMs; // + one cycle: the first jobs' start-up
            System.out.printf("2 processes x %d threads: %d jobs of %d ms drained in %d ms after both started "
                            + "(JVM start: %d ms, %d jobs done by then; measured cycle %d ms; bound %d ms; even split "
                            + "at 200 ms a job: %d ms); per process: %s%n", THREADS, JOBS, SLEEP_MS, drainMs, startMs,
                    doneAtStart, cycleMs, bound, JOBS * SLEEP_MS / (2 * THREADS), perWorker);
            assertEquals(2, perWorker.size(), "both processes ran jobs: " + perWorker);
            assertTrue(drainMs <= bound, "drained in " + drainMs + " ms, more than 1.10 x the even split of the "
                    + left + " jobs left (" + rounds + " rounds of " + cycleMs + " ms) and a cycle: " + perWorker);
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
            }
            for (Process p : processes) {
                p.waitFor();
            }
        }
    }

    /** Starts a {@link ChildWorker} whose stdout is read here: its "started" line counts {@code started} down. */
    private Process spawn(String label, CountDownLatch started, AtomicLong bothAt, ConcurrentLinkedQueue<String> output)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                ChildWorker.class.getName(), TestDatabase.url(), schema, Integer.toString(THREADS),
                Long.toString(SLEEP_MS), label).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(label + ": " + line);
                    if (line.startsWith("started ")) {
                        synchronized (started) { // the second "started" sets the time before the latch opens
                            if (started.getCount() == 1) {
                                bothAt.set(System.nanoTime());
                            }
                            started.countDown();
                        }
                    }
                }
            } catch (java.io.IOException e) {
                output.add(label + ": " + e);
            }
        }, "read-" + label);
        reader.setDaemon(true);
        reader.start();
        return p;
    }
}
