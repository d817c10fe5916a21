package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Tasks;
import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
            // the job says when it runs (locked is not yet running); it then sleeps 1.5 s, so SIGTERM finds it running
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("sleep job") && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "the worker died: " + Files.readString(log));
            assertTrue(Files.readString(log).contains("sleep job"), "the job never started: " + Files.readString(log));
            assertEquals(p.pid() + "\n", Files.readString(pidfile, StandardCharsets.US_ASCII));

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
}
