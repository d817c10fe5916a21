package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Kept gets from several processes, one of them killed with kill -9 mid-run: every job once, every row kept. */
class KeepHistoryProcessTest extends PgTest {
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private Process child(String label) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createTempFile("pq-kept-" + label, ".log");
        Process p = new ProcessBuilder(java, "-Duser.timezone=America/St_Johns",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                KeptGetChild.class.getName(), TestDatabase.url(), schema, label)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(p);
        return p;
    }

    private long doneBy(String label) {
        return queryLong("SELECT count(*) FROM " + schema + ".done WHERE label = ?", label);
    }

    @Test
    void keptGetsFromThreeProcesses_oneKilled_takeEveryJobOnce_andEveryKeptRowShowsItsCommittedUpdate()
            throws Exception {
        TestDatabase.execute("CREATE TABLE " + schema + ".done (job_id bigint PRIMARY KEY, label text NOT NULL)");
        int jobs = 3000;
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            items.add(i);
        }
        pq.queue("test").putAll(items);
        Process victim = child("victim");
        Process survivor = child("survivor");
        await("the victim has committed some jobs", () -> doneBy("victim") >= 50);
        victim.destroyForcibly(); // kill -9: its open transaction (a kept get and an update) rolls back
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "the victim is dead");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> own = new ArrayList<>();
            Queue<Object> q = pq.queue("test").keepHistory(true);
            for (int t = 0; t < 4; t++) {
                String label = "parent" + t;
                own.add(pool.submit(() -> KeptGetChild.run(q, schema, label)));
            }
            for (Future<Integer> f : own) {
                f.get(240, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(survivor.waitFor(240, TimeUnit.SECONDS), "the survivor finished");
        assertEquals(0, survivor.exitValue(), "the survivor exited cleanly");
        assertTrue(doneBy("survivor") > 0, "the survivor took jobs");
        assertEquals(jobs, queryLong("SELECT count(*) FROM " + schema + ".done"), "every job done once (PK)");
        assertEquals(jobs, rowCount(), "every row kept");
        assertEquals(jobs, queryLong("SELECT count(*) FROM " + table() + " WHERE dequeued_at IS NOT NULL"
                + " AND finished_at IS NOT NULL"));
        assertEquals(0, queryLong("SELECT count(*) FROM " + table() + " q JOIN " + schema + ".done d ON d.job_id = q.id"
                + " WHERE q.data->>0 IS DISTINCT FROM 'done' OR q.data->>1 IS DISTINCT FROM d.label"),
                "each kept row shows the update committed with its done row, by the same getter");
    }
}
