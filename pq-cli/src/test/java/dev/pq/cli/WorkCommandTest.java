package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Tasks;
import dev.pq.testing.PgTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkCommandTest extends PgTest {
    private static final List<String> WORK = List.of("work");
    private Tasks tasks;
    private TestSetup.Orchard orchard;

    @BeforeEach
    void tasks() {
        TestSetup.reset();
        tasks = TestSetup.register(Tasks.create(pq));
        orchard = tasks.client(TestSetup.Orchard.class);
    }

    private Cli.Result work(String... more) {
        List<String> args = new ArrayList<>(List.of("--setup", TestSetup.class.getName(), "--worker-count", "2",
                "--drain"));
        args.addAll(List.of(more));
        return Cli.db(schema, WORK, args.toArray(String[]::new));
    }

    @Test
    void drain_runsEveryEnqueuedJob_thenExitsZero() {
        for (int i = 0; i < 20; i++) {
            orchard.eat("Cox" + i);
        }
        Cli.Result r = work();
        assertEquals(0, r.code(), r.toString());
        assertEquals(20, TestSetup.EATEN.size());
        assertEquals(20, new TreeSet<>(TestSetup.EATEN).size(), "each job once");
        assertEquals(0, pq.queue("apples").size());
        assertTrue(r.out().contains("drained: 20 jobs processed, 0 failed"), r.out());
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void drain_withEmptyQueues_exitsZeroAtOnce() {
        Cli.Result r = work();
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("drained: 0 jobs processed"), r.out());
    }

    @Test
    void queueList_limitsWhatIsWorked() {
        orchard.eat("Cox");
        orchard.pear("Comice");
        Cli.Result r = work("--queue", "*,!pears");
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("Cox"), List.copyOf(TestSetup.EATEN));
        assertEquals(1, pq.queue("pears").size());

        Cli.Result pears = work("-q", "pea*", "-q", "nothing_here");
        assertEquals(0, pears.code(), pears.toString());
        assertEquals(Set.of("Cox", "pear:Comice"), Set.copyOf(TestSetup.EATEN));
    }

    @Test
    void limitFlags_areApplied_andMalformedOnesAreUsageErrors() {
        for (int i = 0; i < 5; i++) {
            orchard.eat("Gala" + i);
        }
        Cli.Result r = work("--concurrency", "apples=1", "--rate", "apples=100/1s", "--max-running", "apples=1",
                "--no-prune", "--log-level", "info");
        assertEquals(0, r.code(), r.toString());
        assertEquals(5, TestSetup.EATEN.size());
        assertEquals(100L, queryLong("SELECT count(*) FROM " + schema + ".queue_rate_slots WHERE name = 'apples'"),
                "the rate's window: 100 slots");
        assertEquals(5L, queryLong("SELECT count(*) FROM " + schema + ".queue_rate_slots WHERE name = 'apples' "
                + "AND started_at > now() - interval '1 minute'"), "each start took a slot");

        Cli.Result bad = work("--concurrency", "apples");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--concurrency apples: give QUEUE=N"), bad.err());
        Cli.Result badRate = work("--rate", "apples=5");
        assertEquals(2, badRate.code(), badRate.toString());
        assertTrue(badRate.err().contains("give QUEUE=N/PERIOD"), badRate.err());
        Cli.Result zero = work("--concurrency", "apples=0");
        assertEquals(2, zero.code(), zero.toString());
    }

    @Test
    void allFlags_areAccepted() {
        orchard.eat("Cox");
        Cli.Result r = work("--table", "queue", "--queue", "apples,*", "--worker-priorities", "10,any",
                "--poll-interval", "0.5", "--wait-period", "2.5", "--maximum-buffer-size", "0", "--job-timeout", "1h30m",
                "--unknown-task-retries", "3", "--log-level", "WARN");
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("Cox"), List.copyOf(TestSetup.EATEN));
    }

    @Test
    void pidfile_isWrittenAtStart_andRemovedAtExit(@TempDir Path dir) throws Exception {
        Path pidfile = dir.resolve("pq.pid");
        TestSetup.release = new CountDownLatch(1);
        tasks.enqueue(TestSetup.Blocker.class, "hold");
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> work("--pidfile", pidfile.toString()));
        try {
            assertTrue(TestSetup.started.await(30, TimeUnit.SECONDS), "the job never started");
            assertTrue(Files.exists(pidfile), "no pidfile while working");
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(pidfile, StandardCharsets.US_ASCII));
        } finally {
            TestSetup.release.countDown();
        }
        Cli.Result r = run.get(60, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.toString());
        assertFalse(Files.exists(pidfile), "pidfile left behind");
    }

    @Test
    void pidfile_inAMissingDirectory_isAUsageError(@TempDir Path dir) {
        Path pidfile = dir.resolve("no/such/dir/pq.pid");
        Cli.Result r = work("--pidfile", pidfile.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("'--pidfile'") && r.err().contains(pidfile.toString()), r.err());
    }

    @Test
    void failingJobs_doNotStopTheDrain() {
        tasks.enqueue(TestSetup.Boom.class, "one");
        orchard.eat("Cox");
        Cli.Result r = work();
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("drained: 2 jobs processed, 1 failed"), r.out());
        assertEquals(1, tasks.admin().failed(null, 10, 0).size());
    }

    @Test
    void noSetupAndNoService_isAUsageError_andWorksNothing() {
        orchard.eat("Cox");
        Cli.Result r = Cli.db(schema, WORK, "--drain");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--setup") && r.err().contains("META-INF/services"), r.err());
        assertEquals(1, pq.queue("apples").size());
        assertTrue(tasks.admin().failed(null, 10, 0).isEmpty(), "jobs must not be failed as unknown tasks");
    }

    @Test
    void setupThatThrows_isARuntimeFailure() {
        Cli.Result r = Cli.db(schema, WORK, "--drain", "--setup", ThrowingSetup.class.getName());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("pq work: error:") && r.err().contains("setup exploded"), r.err());
    }

    /** A setup whose configure method fails. */
    public static final class ThrowingSetup implements dev.pq.tasks.spi.TasksConfigurer {
        @Override
        public void configure(Tasks tasks) {
            throw new IllegalStateException("setup exploded");
        }
    }
}
