package dev.pq.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Worker processes hosting the scheduler (child JVMs): with four of them over ten simulated
 * minutes every match is enqueued exactly once; a process SIGKILLed in the middle of a scheduler
 * run enqueues nothing, and the next process's run enqueues every match once.
 */
@Timeout(300)
class SchedulerProcessesTest extends SchedulerTestBase {
    private final List<Process> children = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    @BeforeEach
    void simulatedClock() {
        TestDatabase.execute("CREATE TABLE " + schema + ".sim_clock (t timestamptz NOT NULL); INSERT INTO " + schema
                + ".sim_clock VALUES ('2026-12-01T00:00:30Z')");
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    private Process child(String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createTempFile("pq-scheduler-child-", ".log");
        Process p = new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                ChildScheduler.class.getName(), TestDatabase.url(), schema, mode)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(p);
        logs.add(log);
        return p;
    }

    private String output() {
        StringBuilder s = new StringBuilder();
        for (Path l : logs) {
            try {
                s.append("--- ").append(l).append('\n').append(Files.readString(l)).append('\n');
            } catch (IOException e) {
                s.append(e).append('\n');
            }
        }
        return s.toString();
    }

    private boolean printed(int child, String line) {
        try {
            return Files.readString(logs.get(child)).contains(line);
        } catch (IOException e) {
            return false;
        }
    }

    private long runs() {
        return count("SELECT count(*) FROM " + schema + ".queue_scheduler_runs");
    }

    /** Moves the simulated clock to {@code t}, makes the scheduler job due, waits for its run. */
    private void simulate(String t) {
        exec("UPDATE " + schema + ".sim_clock SET t = ?", java.sql.Timestamp.from(Instant.parse(t)));
        long before = runs();
        makeSchedulerDue();
        await("the run at " + t + ":\n" + output(), Duration.ofSeconds(60), () -> runs() > before);
    }

    private void allWorked(long jobs) {
        await(jobs + " scheduled jobs worked:\n" + output(), Duration.ofSeconds(60),
                () -> count("SELECT count(*) FROM " + schema + ".received") == jobs
                        && pendingOf("reports.event") == 0);
    }

    @Test
    void fourWorkerProcesses_overTenSimulatedMinutes_enqueueEveryMatchExactlyOnce() throws Exception {
        for (int i = 0; i < 4; i++) {
            child("normal");
        }
        for (int i = 0; i < 4; i++) {
            int n = i;
            await("child " + n + " started:\n" + output(), Duration.ofSeconds(60), () -> printed(n, "started"));
        }
        await("the first run (entries start from it)", Duration.ofSeconds(60), () -> runs() == 1);
        assertEquals(1, pendingOf("pq.scheduler"), "four processes started it, one job");
        for (int m = 1; m <= 10; m++) {
            simulate(String.format("2026-12-01T00:%02d:00Z", m));
        }
        allWorked(15);
        assertEquals(10, count("SELECT count(*) FROM " + schema + ".received WHERE entry = 'event:m'"));
        assertEquals(5, count("SELECT count(*) FROM " + schema + ".received WHERE entry = 'event:two'"));
        assertEquals(15, count("SELECT count(*) FROM " + schema + ".queue_scheduler_enqueued"),
                "the audit: each match enqueued once (a second would have hit the received table's key)");
        assertEquals(0, count("SELECT count(*) FROM " + table() + " WHERE failed_at IS NOT NULL OR error_count > 0"));
        assertTrue(count("SELECT count(DISTINCT job_id) FROM " + schema + ".queue_scheduler_runs") == 1,
                "one scheduler job, rescheduled by each run");
    }

    @Test
    void aProcessKilledInTheMiddleOfASchedulerRun_enqueuesNothing_andTheNextRunEnqueuesEveryMatchOnce()
            throws Exception {
        Process hanging = child("hang");
        await("the first run:\n" + output(), Duration.ofSeconds(60), () -> runs() == 1);
        exec("UPDATE " + schema + ".sim_clock SET t = '2026-12-01T00:03:00Z'");
        makeSchedulerDue();
        await("the run hangs halfway, its first jobs inserted:\n" + output(), Duration.ofSeconds(60),
                () -> printed(0, "HANGING"));
        hanging.destroyForcibly(); // SIGKILL in the middle of the run's transaction
        hanging.waitFor();
        assertEquals(1, runs(), "the killed run left nothing");
        assertEquals(0, pendingOf("reports.event"), "nor any of the jobs it had inserted");
        child("normal");
        await("the next process runs the scheduler:\n" + output(), Duration.ofSeconds(60), () -> {
            makeSchedulerDue();
            return runs() == 2;
        });
        allWorked(4); // 00:01, 00:02, 00:03 minutely and 00:02 "two"
        simulate("2026-12-01T00:04:00Z");
        allWorked(6);
        assertEquals(6, count("SELECT count(*) FROM " + schema + ".queue_scheduler_enqueued"));
    }
}
