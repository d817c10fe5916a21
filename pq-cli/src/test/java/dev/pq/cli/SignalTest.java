package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.JobStats;
import dev.pq.tasks.Tasks;
import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;

/** {@code pq work} in a child JVM, stopped with SIGTERM while a job runs (POSIX signals only). */
class SignalTest extends PgTest {

    @Test
    void sigterm_letsTheRunningJobFinish_thenExits_andRemovesThePidfile(@TempDir Path dir) throws Exception {
        Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"), "SIGTERM needs a POSIX system");
        Tasks tasks = TestSetup.register(Tasks.create(pq));
        tasks.enqueue(TestSetup.Sleep.class, 1_500L);
        Path pidfile = dir.resolve("worker.pid");
        Path log = dir.resolve("stderr.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "work", "--setup", TestSetup.class.getName(), "--schema", schema,
                "--worker-count", "1", "--wait-period", "30", "--pidfile", pidfile.toString())
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(log.toFile());
        pb.environment().put(Main.URL_ENV, TestDatabase.url()); // the URL from the environment
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!working(tasks) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(50);
            }
            assertTrue(p.isAlive(), "the worker died: " + Files.readString(log));
            assertTrue(working(tasks), "the job never started: " + Files.readString(log));
            assertEquals(p.pid() + "\n", Files.readString(pidfile, StandardCharsets.US_ASCII));
            // Locked is not yet running: give the idle thread a moment to take the job from the
            // buffer (the job then sleeps 1.5 s, so SIGTERM still finds it running).
            Thread.sleep(300);

            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the worker did not stop");
            String err = Files.readString(log);
            assertEquals(143, p.exitValue(), err); // 128 + SIGTERM
            assertFalse(Files.exists(pidfile), "pidfile left behind");
            assertEquals(0, pq.queue("sleep").size(), "the running job was not allowed to finish: " + err);
            assertTrue(tasks.admin().failed(null, 10, 0).isEmpty(), err);
            assertTrue(err.contains("signal received"), err);
            assertTrue(err.contains("stopped: processed=1 failed=0"), err);
        } finally {
            p.destroyForcibly();
        }
    }

    private static boolean working(Tasks tasks) {
        List<JobStats> stats = tasks.admin().jobStats();
        return stats.stream().anyMatch(s -> s.queue().equals("sleep") && s.working() == 1);
    }
}
