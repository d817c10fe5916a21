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
import java.util.ArrayList;
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
        Process p = child(dir, log, "--pidfile", pidfile.toString()); // the URL from the environment
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

    /** True if SIGHUP is ignored in this process (its SigIgn mask), as under nohup; children inherit that. */
    private static boolean hupIgnored() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0; // bit 0: signal 1, HUP
            }
        }
        return false;
    }

    private static void kill(String signal, Process p) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertEquals(0, k.waitFor(), "kill -" + signal);
    }

    private static void awaitLog(Path log, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains(text) && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(20);
        }
        assertTrue(Files.readString(log).contains(text), "no <" + text + "> in the log:\n" + Files.readString(log));
    }

    /** {@code pq work} of one thread in a child JVM, the URL given in the environment; its stderr goes to {@code log}. */
    private Process child(Path dir, Path log, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "work", "--setup", TestSetup.class.getName(), "--schema", schema,
                "--worker-count", "1", "--wait-period", "30"));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(log.toFile());
        pb.environment().put(Main.URL_ENV, TestDatabase.url());
        return pb.start();
    }

    @Test
    void usr2_pausesTheWorker_andCont_resumesIt(@TempDir Path dir) throws Exception {
        Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"), "signals need a POSIX system");
        Tasks tasks = TestSetup.register(Tasks.create(pq));
        Path log = dir.resolve("stderr.log");
        Process p = child(dir, log);
        try {
            awaitLog(log, "USR2 pauses", p);
            kill("USR2", p);
            awaitLog(log, "this worker is paused", p); // the locker has applied it
            tasks.enqueue(TestSetup.Sleep.class, 1L);
            // a negative claim needs time: the notification of the job reaches the worker in milliseconds
            Thread.sleep(1_000);
            assertEquals(1, pq.queue("sleep").size(), "a paused worker started a job:\n" + Files.readString(log));
            assertTrue(!Files.readString(log).contains("sleep job"), Files.readString(log));
            kill("CONT", p);
            awaitLog(log, "sleep job", p);
            awaitLog(log, "resumed", p);
            assertTrue(p.isAlive(), "pausing and resuming stopped the worker:\n" + Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void hup_letsTheRunningJobFinishWhateverItTakes_thenExitsZero(@TempDir Path dir) throws Exception {
        Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"), "signals need a POSIX system");
        Assumptions.assumeFalse(hupIgnored(), "this JVM was started with SIGHUP ignored (nohup): so is the child's");
        Tasks tasks = TestSetup.register(Tasks.create(pq));
        Path log = dir.resolve("stderr.log");
        Process p = child(dir, log);
        try {
            awaitLog(log, "HUP finishes", p);
            tasks.enqueue(TestSetup.Sleep.class, 1_500L);
            awaitLog(log, "sleep job", p);
            kill("HUP", p);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                kill("QUIT", p); // a thread dump to its stdout, to say where it hangs
                p.waitFor(2, TimeUnit.SECONDS);
                throw new AssertionError("the worker did not exit after HUP:\n" + Files.readString(log)
                        + "\n--- stdout (thread dump):\n" + Files.readString(dir.resolve("stdout.log")));
            }
            String err = Files.readString(log);
            assertEquals(0, p.exitValue(), err);
            assertTrue(err.contains("HUP received: finishing the running jobs (1)"), err);
            assertEquals(0, pq.queue("sleep").size(), "the running job was not allowed to finish: " + err);
            assertTrue(tasks.admin().failed(null, 10, 0).isEmpty(), err);
        } finally {
            p.destroyForcibly();
        }
    }
}
